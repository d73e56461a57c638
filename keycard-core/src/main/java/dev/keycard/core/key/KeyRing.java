package dev.keycard.core.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of the keys in use: the one that signs new tokens, and every key whose
 * tokens may still be alive, each pinned to its algorithm. Verifier objects are built once here,
 * not per token.
 */
public final class KeyRing {
  /** A key as a verifier sees it: a key id, the one algorithm allowed with it, and its verifier. */
  public record VerificationKey(String kid, SigningAlgorithm algorithm, JWSVerifier verifier) {}

  private final SigningKey signer;
  private final JWSSigner jwsSigner;
  private final Map<String, VerificationKey> byKid;
  private final List<SigningKey> keys;
  private final String publicJwks;

  private KeyRing(SigningKey signer, List<SigningKey> keys, CryptoProviders crypto) {
    this.signer = signer;
    this.keys = List.copyOf(keys);
    try {
      this.jwsSigner = signerFor(signer, crypto);
      Map<String, VerificationKey> m = new HashMap<>();
      List<JWK> published = new ArrayList<>();
      for (SigningKey k : keys) {
        if (m.put(k.kid(), new VerificationKey(k.kid(), k.algorithm(), verifierFor(k.algorithm(), k.jwk(), crypto))) != null) {
          throw new IllegalArgumentException("duplicate kid " + k.kid());
        }
        if (!k.algorithm().symmetric()) {
          published.add(k.jwk().toPublicJWK());
        }
      }
      this.byKid = Map.copyOf(m);
      this.publicJwks = new JWKSet(published).toString(true);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("unusable key: " + e.getMessage(), e);
    }
  }

  private KeyRing(Map<String, VerificationKey> byKid, String publicJwks) {
    this.signer = null;
    this.jwsSigner = null;
    this.keys = List.of();
    this.byKid = Map.copyOf(byKid);
    this.publicJwks = publicJwks;
  }

  /**
   * A ring that only verifies, built from another issuer's published keys (a JWK Set fetched from its
   * {@code jwks_uri}): what a resource server outside keycard holds. Each key is pinned to one
   * algorithm by {@link SigningAlgorithm#of(JWK)}; keys that are not for signatures, have no
   * {@code kid}, carry a private part or use an algorithm keycard does not accept are left out, so a
   * hostile or odd JWKS can only ever shrink the ring.
   */
  public static KeyRing verifying(JWKSet published) {
    return verifying(published, CryptoProviders.jdk());
  }

  /** {@link #verifying(JWKSet)}, verifying on the providers {@code crypto} names. */
  public static KeyRing verifying(JWKSet published, CryptoProviders crypto) {
    Map<String, VerificationKey> m = new HashMap<>();
    List<JWK> kept = new ArrayList<>();
    for (JWK jwk : published.getKeys()) {
      SigningAlgorithm algorithm = SigningAlgorithm.of(jwk);
      if (algorithm == null || algorithm.symmetric() || jwk.getKeyID() == null || jwk.getKeyID().isEmpty()
          || jwk.isPrivate() || m.containsKey(jwk.getKeyID())) {
        continue;
      }
      try {
        m.put(jwk.getKeyID(), new VerificationKey(jwk.getKeyID(), algorithm, verifierFor(algorithm, jwk, crypto)));
        kept.add(jwk);
      } catch (JOSEException | RuntimeException e) {
        // An unusable key (a point off its curve, say) is left out like any other we cannot use.
      }
    }
    return new KeyRing(m, new JWKSet(kept).toString(true));
  }

  /**
   * @param signer the key new tokens are signed with; must be among {@code keys}
   * @param keys   every key whose tokens are still accepted
   */
  public static KeyRing of(SigningKey signer, List<SigningKey> keys) {
    return of(signer, keys, CryptoProviders.jdk());
  }

  /** {@link #of(SigningKey, List)}, signing and verifying on the providers {@code crypto} names. */
  public static KeyRing of(SigningKey signer, List<SigningKey> keys, CryptoProviders crypto) {
    if (keys.stream().noneMatch(k -> k.kid().equals(signer.kid()))) {
      throw new IllegalArgumentException("the signer must be one of the ring's keys");
    }
    return new KeyRing(signer, keys, crypto);
  }

  /** A ring whose signer is the newest key not yet retired. */
  public static KeyRing of(List<SigningKey> keys) {
    return of(keys, CryptoProviders.jdk());
  }

  /** {@link #of(List)}, signing and verifying on the providers {@code crypto} names. */
  public static KeyRing of(List<SigningKey> keys, CryptoProviders crypto) {
    SigningKey signer = keys.stream().filter(k -> !k.retired())
        .max(Comparator.comparing(SigningKey::createdAt))
        .orElseThrow(() -> new IllegalArgumentException("no active signing key"));
    return new KeyRing(signer, keys, crypto);
  }

  /** @throws IllegalStateException on a {@linkplain #verifying verifying} ring, which has no signer */
  public SigningKey signer() {
    if (signer == null) {
      throw new IllegalStateException("a verifying key ring has no signer");
    }
    return signer;
  }

  /** @throws IllegalStateException on a {@linkplain #verifying verifying} ring, which has no signer */
  public JWSSigner jwsSigner() {
    if (jwsSigner == null) {
      throw new IllegalStateException("a verifying key ring has no signer");
    }
    return jwsSigner;
  }

  /** The ids of the keys this ring verifies with. */
  public java.util.Set<String> kids() {
    return byKid.keySet();
  }

  /** The key with this id, or {@code null} when the ring has none. */
  public VerificationKey verificationKey(String kid) {
    return byKid.get(kid);
  }

  /** The keys with their private parts; empty on a {@linkplain #verifying verifying} ring. */
  public List<SigningKey> keys() {
    return keys;
  }

  /** The JWK Set document (RFC 7517 §5) of the public keys; HMAC secrets are never in it. */
  public String publicJwksJson() {
    return publicJwks;
  }

  private static JWSSigner signerFor(SigningKey k, CryptoProviders crypto) throws JOSEException {
    Provider provider = crypto.provider(k.algorithm());
    JWSSigner signer = switch (k.algorithm()) {
      case HS256 -> new MACSigner(k.jwk().toOctetSequenceKey());
      case RS256 -> new RSASSASigner((PrivateKey) imported(k.jwk().toRSAKey().toPrivateKey(), "RSA", provider));
      case ES256 -> new ECDSASigner((ECPrivateKey) imported(k.jwk().toECKey().toECPrivateKey(), "EC", provider));
      case EdDSA -> provider == null ? new Ed25519Signer(k.jwk().toOctetKeyPair())
          : new JcaEd25519Signer(k.jwk().toOctetKeyPair(), provider);
    };
    if (provider != null) {
      signer.getJCAContext().setProvider(provider);
    }
    return signer;
  }

  private static JWSVerifier verifierFor(SigningAlgorithm algorithm, JWK jwk, CryptoProviders crypto)
      throws JOSEException {
    Provider provider = crypto.provider(algorithm);
    JWSVerifier verifier = switch (algorithm) {
      case HS256 -> new HmacVerifier(jwk.toOctetSequenceKey().toByteArray(), provider);
      case RS256 -> new RSASSAVerifier((RSAPublicKey) imported(jwk.toRSAKey().toRSAPublicKey(), "RSA", provider));
      case ES256 -> new ECDSAVerifier((ECPublicKey) imported(jwk.toECKey().toECPublicKey(), "EC", provider));
      case EdDSA -> provider == null ? new Ed25519Verifier(jwk.toOctetKeyPair())
          : new JcaEd25519Verifier(jwk.toOctetKeyPair(), provider);
    };
    if (provider != null) {
      verifier.getJCAContext().setProvider(provider);
    }
    return verifier;
  }

  /**
   * The key as {@code provider}'s own object, converted once here rather than at every signature; the
   * JDK's object itself for the JDK's providers, or when the provider has no key type Nimbus accepts.
   */
  private static Key imported(Key key, String algorithm, Provider provider) {
    if (provider == null) {
      return key;
    }
    try {
      Key translated = KeyFactory.getInstance(algorithm, provider).translateKey(key);
      boolean usable = switch (key) {
        case RSAPublicKey r -> translated instanceof RSAPublicKey;
        case ECPublicKey e -> translated instanceof ECPublicKey;
        case ECPrivateKey e -> translated instanceof ECPrivateKey;
        default -> translated instanceof PrivateKey;
      };
      return usable ? translated : key;
    } catch (GeneralSecurityException e) {
      return key;
    }
  }
}
