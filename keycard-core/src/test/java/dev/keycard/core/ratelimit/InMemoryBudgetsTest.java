package dev.keycard.core.ratelimit;

import dev.keycard.core.testing.InMemoryBudgets;
import dev.keycard.core.testing.MutableClock;

class InMemoryBudgetsTest extends SharedBudgetsContract {
  @Override
  protected SharedBudgets budgets() {
    return new InMemoryBudgets(MutableClock.atFixedStart());
  }
}
