package dev.keycard.core.key;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * EdDSA (Ed25519) signing through Bouncy Castle. Nimbus's own Ed25519 classes need Google Tink;
 * Bouncy Castle is already here for Argon2id, so this adapter plugs its signer into Nimbus's
 * {@link JWSSigner} contract instead of adding a second crypto library.
 */
final class Ed25519Signer implements JWSSigner {
  private final Ed25519PrivateKeyParameters privateKey;
  private final JCAContext jca = new JCAContext();

  Ed25519Signer(OctetKeyPair key) {
    this.privateKey = new Ed25519PrivateKeyParameters(key.getDecodedD(), 0);
  }

  @Override
  public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
    if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
      throw new JOSEException("Ed25519Signer signs EdDSA only");
    }
    var signer = new org.bouncycastle.crypto.signers.Ed25519Signer();
    signer.init(true, privateKey);
    signer.update(signingInput, 0, signingInput.length);
    return Base64URL.encode(signer.generateSignature());
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
