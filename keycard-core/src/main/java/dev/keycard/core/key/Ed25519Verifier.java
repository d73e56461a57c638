package dev.keycard.core.key;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/** EdDSA (Ed25519) verification through Bouncy Castle; see {@link Ed25519Signer} for why. */
final class Ed25519Verifier implements JWSVerifier {
  private final Ed25519PublicKeyParameters publicKey;
  private final JCAContext jca = new JCAContext();

  Ed25519Verifier(OctetKeyPair key) {
    this.publicKey = new Ed25519PublicKeyParameters(key.getDecodedX(), 0);
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
    var verifier = new org.bouncycastle.crypto.signers.Ed25519Signer();
    verifier.init(false, publicKey);
    verifier.update(signingInput, 0, signingInput.length);
    return verifier.verifySignature(sig);
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
