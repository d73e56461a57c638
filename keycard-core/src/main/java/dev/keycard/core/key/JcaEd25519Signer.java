package dev.keycard.core.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyInfoFactory;

/**
 * EdDSA (Ed25519) signing through a JCA provider's {@code Ed25519} signature: the route a native
 * provider takes. The key object is made once, here, from its PKCS #8 encoding (which Bouncy Castle
 * writes), rather than at every signature.
 */
final class JcaEd25519Signer implements JWSSigner {
  private final PrivateKey privateKey;
  private final JCAContext jca = new JCAContext();

  JcaEd25519Signer(OctetKeyPair key, Provider provider) throws JOSEException {
    try {
      byte[] pkcs8 = PrivateKeyInfoFactory.createPrivateKeyInfo(new Ed25519PrivateKeyParameters(key.getDecodedD(), 0))
          .getEncoded();
      this.privateKey = keyFactory(provider).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException | IOException e) {
      throw new JOSEException("the Ed25519 key cannot be imported into " + provider.getName(), e);
    }
    jca.setProvider(provider);
  }

  @Override
  public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
    if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
      throw new JOSEException("JcaEd25519Signer signs EdDSA only");
    }
    try {
      // A Signature is not thread-safe; looking one up costs far less than an Ed25519 signature.
      Signature signature = Signature.getInstance("Ed25519", jca.getProvider());
      signature.initSign(privateKey);
      signature.update(signingInput);
      return Base64URL.encode(signature.sign());
    } catch (GeneralSecurityException e) {
      throw new JOSEException("Ed25519 signing failed", e);
    }
  }

  /**
   * The provider's own key factory, or the JDK's where it has none (ACCP 2.5 signs with Ed25519 keys
   * but makes no Ed25519 key objects; it reads the JDK's by their encoding).
   */
  static KeyFactory keyFactory(Provider provider) throws NoSuchAlgorithmException {
    return provider.getService("KeyFactory", "Ed25519") != null ? KeyFactory.getInstance("Ed25519", provider)
        : KeyFactory.getInstance("Ed25519");
  }

  @Override
  public Set<JWSAlgorithm> supportedJWSAlgorithms() {
    return Set.of(JWSAlgorithm.EdDSA);
  }

  @Override
  public JCAContext getJCAContext() {
    return jca;
  }
}
