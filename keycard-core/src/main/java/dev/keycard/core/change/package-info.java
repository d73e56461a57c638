/**
 * Fan-out between instances on one shared store: {@link dev.keycard.core.change.Change} names what
 * changed (never the data), {@link dev.keycard.core.change.ChangeFeed} carries it. Framework-free:
 * the Redis module implements the feed.
 */
package dev.keycard.core.change;
