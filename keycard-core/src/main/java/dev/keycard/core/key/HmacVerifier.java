package dev.keycard.core.key;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Provider;
import java.util.Base64;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HS256 verification through the JDK's {@code HmacSHA256}, with one keyed {@link Mac} per thread.
 * Nimbus's {@code MACVerifier} looks the algorithm up and keys a new {@code Mac} for every token;
 * measured with JMH, that lookup cost more than the HMAC itself on a typical access token, and HS256
 * verification runs on the event loop for every request. The comparison is constant-time.
 */
final class HmacVerifier implements JWSVerifier {
  private static final Base64.Decoder URL_DECODER = Base64.getUrlDecoder();

  private final ThreadLocal<Mac> mac;
  private final JCAContext jca = new JCAContext();

  /** @param provider the provider of {@code HmacSHA256}, or {@code null} for the JDK's */
  HmacVerifier(byte[] secret, Provider provider) {
    SecretKeySpec key = new SecretKeySpec(secret, "HmacSHA256");
    this.mac = ThreadLocal.withInitial(() -> {
      try {
        Mac m = provider == null ? Mac.getInstance("HmacSHA256") : Mac.getInstance("HmacSHA256", provider);
        m.init(key);
        return m;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is unavailable", e);
      }
    });
    mac.get();
  }

  @Override
  public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) {
    if (!JWSAlgorithm.HS256.equals(header.getAlgorithm())) {
      return false;
    }
    // doFinal resets the Mac, so the per-thread instance is ready for the next token.
    byte[] expected = mac.get().doFinal(signingInput);
    try {
      return MessageDigest.isEqual(expected, URL_DECODER.decode(signature.toString()));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public Set<JWSAlgorithm> supportedJWSAlgorithms() {
    return Set.of(JWSAlgorithm.HS256);
  }

  @Override
  public JCAContext getJCAContext() {
    return jca;
  }
}
