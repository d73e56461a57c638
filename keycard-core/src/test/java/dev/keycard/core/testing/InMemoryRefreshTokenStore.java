package dev.keycard.core.testing;

import dev.keycard.core.refresh.RefreshTokenFamily;
import dev.keycard.core.refresh.RefreshTokenRecord;
import dev.keycard.core.refresh.RefreshTokenStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A refresh-token store for core tests; synchronized, so {@link #rotate} is atomic. */
public final class InMemoryRefreshTokenStore implements RefreshTokenStore {
  private final Map<String, RefreshTokenFamily> families = new HashMap<>();
  private final Map<String, RefreshTokenRecord> tokens = new HashMap<>();
  private byte[] successorKey;

  @Override
  public synchronized void createFamily(RefreshTokenFamily family, RefreshTokenRecord first) {
    families.put(family.id(), family);
    tokens.put(first.hash(), first);
  }

  @Override
  public synchronized Optional<RefreshTokenRecord> findToken(String hash) {
    return Optional.ofNullable(tokens.get(hash));
  }

  @Override
  public synchronized Optional<RefreshTokenFamily> findFamily(String familyId) {
    return Optional.ofNullable(families.get(familyId));
  }

  @Override
  public synchronized List<RefreshTokenFamily> familiesOf(String subject) {
    return families.values().stream().filter(f -> f.subject().equals(subject))
        .sorted(Comparator.comparing(RefreshTokenFamily::createdAt).thenComparing(RefreshTokenFamily::id)).toList();
  }

  @Override
  public synchronized boolean rotate(String presentedHash, RefreshTokenRecord successor, Instant at) {
    RefreshTokenRecord r = tokens.get(presentedHash);
    if (r == null || r.state() != RefreshTokenRecord.State.ACTIVE) {
      return false;
    }
    tokens.put(presentedHash, new RefreshTokenRecord(r.hash(), r.familyId(), RefreshTokenRecord.State.ROTATED,
        r.issuedAt(), r.expiresAt(), at, successor.hash()));
    tokens.put(successor.hash(), successor);
    return true;
  }

  @Override
  public synchronized boolean revokeFamily(String familyId, Instant at) {
    RefreshTokenFamily f = families.get(familyId);
    if (f == null || f.revoked()) {
      return false;
    }
    families.put(familyId, new RefreshTokenFamily(f.id(), f.subject(), f.clientId(), f.scopes(), f.createdAt(),
        f.absoluteExpiresAt(), at));
    tokens.replaceAll((h, r) -> r.familyId().equals(familyId)
        ? new RefreshTokenRecord(r.hash(), r.familyId(), RefreshTokenRecord.State.REVOKED, r.issuedAt(),
            r.expiresAt(), r.rotatedAt(), r.successorHash())
        : r);
    return true;
  }

  @Override
  public synchronized int purgeExpired(Instant before) {
    List<String> dead = families.values().stream().filter(f -> f.absoluteExpiresAt().isBefore(before))
        .map(RefreshTokenFamily::id).toList();
    dead.forEach(families::remove);
    tokens.values().removeIf(r -> dead.contains(r.familyId()));
    return dead.size();
  }

  @Override
  public synchronized byte[] successorKey(byte[] candidate, Instant at) {
    if (successorKey == null) {
      successorKey = candidate.clone();
    }
    return successorKey.clone();
  }
}
