package dev.envelope.testkit;

import dev.envelope.AlgorithmSuite;
import dev.envelope.Envelope;

/**
 * The contract against an unsigned committing configuration with 1000-byte frames, so that
 * plaintexts span many frames (and swapped-frame tamperings have frames to swap).
 */
class RawAesEnvelopeContractTest extends EnvelopeContract {
  @Override
  protected Envelope envelope() {
    return Envelope.builder()
        .keyring(TestKeyrings.randomAes())
        .algorithmSuite(AlgorithmSuite.AES_256_GCM_HKDF_SHA512_COMMIT_KEY)
        .frameSize(1000)
        .build();
  }
}
