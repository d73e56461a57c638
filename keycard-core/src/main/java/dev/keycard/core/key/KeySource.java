package dev.keycard.core.key;

/**
 * Where issuers and verifiers find the current key ring. A rotation swaps the ring; readers call
 * {@link #current()} per operation, so they never need rebuilding.
 */
@FunctionalInterface
public interface KeySource {
  KeyRing current();
}
