package dev.keycard.core.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Provider;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;

/** EdDSA (Ed25519) verification through a JCA provider; see {@link JcaEd25519Signer}. */
final class JcaEd25519Verifier implements JWSVerifier {
  private final PublicKey publicKey;
  private final JCAContext jca = new JCAContext();

  JcaEd25519Verifier(OctetKeyPair key, Provider provider) throws JOSEException {
    try {
      byte[] spki = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(
          new Ed25519PublicKeyParameters(key.getDecodedX(), 0)).getEncoded();
      this.publicKey = JcaEd25519Signer.keyFactory(provider).generatePublic(new X509EncodedKeySpec(spki));
    } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
      throw new JOSEException("the Ed25519 key cannot be imported into " + provider.getName(), e);
    }
    jca.setProvider(provider);
  }

  @Override
  public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) {
    if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
      return false;
    }
    byte[] sig = signature.decode();
    if (sig.length != Ed25519PublicKeyParameters.KEY_SIZE * 2) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance("Ed25519", jca.getProvider());
      verifier.initVerify(publicKey);
      verifier.update(signingInput);
      return verifier.verify(sig);
    } catch (GeneralSecurityException e) {
      // A malformed signature is a failed verification, not an error.
      return false;
    }
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
