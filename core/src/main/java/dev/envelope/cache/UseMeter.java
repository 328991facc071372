package dev.envelope.cache;

import dev.envelope.EncryptionMaterials.PlaintextMeter;
import dev.envelope.PolicyViolationException;

/**
 * Charges the bytes of a stream of unknown length to its cached entry as they flow, and stops the
 * stream before the entry's total could pass the byte limit.
 */
final class UseMeter implements PlaintextMeter {
  private final EncryptEntry entry;
  private final long byteUseLimit;

  UseMeter(EncryptEntry entry, long byteUseLimit) {
    this.entry = entry;
    this.byteUseLimit = byteUseLimit;
  }

  @Override
  public void charge(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("cannot charge a negative number of bytes: " + bytes);
    }
    if (!entry.tryCharge(bytes, byteUseLimit)) {
      throw new PolicyViolationException(
          "this stream's plaintext would take its cached data key past the cache's byte limit"
              + " of " + byteUseLimit + " bytes; the stream was stopped before the key was"
              + " over-used. Give the stream a bound (encryptingStream(out, context,"
              + " maxPlaintextLength)) or raise byteUseLimit");
    }
  }
}
