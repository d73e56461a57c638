package dev.keycard.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What every {@link SharedBudgets} backend does; extended once per backend (in memory, Redis). */
public abstract class SharedBudgetsContract {
  protected static final RatePolicy TEN_PER_HOUR = new RatePolicy(10, Duration.ofHours(1));

  /** A fresh backend (or fresh keys on a shared one). */
  protected abstract SharedBudgets budgets();

  private static String key() {
    return "s:" + UUID.randomUUID();
  }

  private static SharedBudgets.Budget await(java.util.concurrent.CompletionStage<SharedBudgets.Budget> stage) {
    return stage.toCompletableFuture().join();
  }

  @Test
  void consumeTakesTheTokensAndSaysWhatIsLeftAndWhenItComesBack() {
    SharedBudgets budgets = budgets();
    String key = key();
    SharedBudgets.Budget b = await(budgets.consume(key, TEN_PER_HOUR, 3));
    assertThat(b.consumed()).isTrue();
    assertThat(b.remaining()).isEqualTo(7);
    assertThat(b.nanosToReset()).isPositive().isLessThanOrEqualTo(Duration.ofHours(1).toNanos());
    assertThat(await(budgets.consume(key, TEN_PER_HOUR, 4)).remaining()).isEqualTo(3);
  }

  @Test
  void consumeMoreThanIsLeftTakesWhatIsLeft() {
    SharedBudgets budgets = budgets();
    String key = key();
    SharedBudgets.Budget b = await(budgets.consume(key, TEN_PER_HOUR, 25));
    assertThat(b.remaining()).isZero();
    assertThat(await(budgets.consume(key, TEN_PER_HOUR, 1)).consumed()).isFalse();
  }

  @Test
  void tryConsumeTakesOneUntilTheBudgetIsSpentThenRefuses() {
    SharedBudgets budgets = budgets();
    String key = key();
    for (int i = 1; i <= 10; i++) {
      SharedBudgets.Budget b = await(budgets.tryConsume(key, TEN_PER_HOUR));
      assertThat(b.consumed()).isTrue();
      assertThat(b.remaining()).isEqualTo(10 - i);
    }
    SharedBudgets.Budget refused = await(budgets.tryConsume(key, TEN_PER_HOUR));
    assertThat(refused.consumed()).isFalse();
    assertThat(refused.remaining()).isZero();
    assertThat(refused.nanosToReset()).isPositive().isLessThanOrEqualTo(Duration.ofHours(1).toNanos());
  }

  @Test
  void budgetsOfDifferentKeysAreIndependent() {
    SharedBudgets budgets = budgets();
    String a = key();
    await(budgets.consume(a, TEN_PER_HOUR, 10));
    assertThat(await(budgets.tryConsume(key(), TEN_PER_HOUR)).remaining()).isEqualTo(9);
  }

  @Test
  void pingAnswersWhenTheStoreIsUp() {
    budgets().ping().toCompletableFuture().join();
  }
}
