package dev.envelope.internal.observe;

import dev.envelope.DecryptionMaterials;
import dev.envelope.EncryptedDataKey;
import dev.envelope.EncryptionMaterials;
import dev.envelope.Keyring;
import dev.envelope.observe.KeyringCall;
import dev.envelope.observe.KeyringCallObservation;
import dev.envelope.observe.KeyringCallResult;
import java.util.List;

/**
 * Calls a keyring on behalf of the operation observed on this thread, reporting the call (its
 * keyring type, duration, outcome and, for a wrap, the provider ids of the keys it added) just
 * before and right after it, on this thread. Without an observed operation it only calls the
 * keyring. Every place that invokes a keyring for an operation goes through here.
 */
public final class KeyringCalls {
  private KeyringCalls() {}

  /** {@code keyring.onEncrypt(materials)}, reported as a wrap. */
  public static EncryptionMaterials onEncrypt(Keyring keyring, EncryptionMaterials materials) {
    Observation o = Observation.current();
    if (o == null) {
      return keyring.onEncrypt(materials);
    }
    KeyringCallObservation call = o.keyringCallStarted(call(keyring, KeyringCall.Direction.WRAP));
    long start = System.nanoTime();
    EncryptionMaterials result;
    try {
      result = keyring.onEncrypt(materials);
    } catch (RuntimeException | Error e) {
      Observation.keyringCallEnded(call, KeyringCallResult.failure(since(start), Observation.typeName(e.getClass())));
      throw e;
    }
    List<EncryptedDataKey> edks = result == null ? List.of() : result.encryptedDataKeys();
    int before = materials.encryptedDataKeys().size();
    Observation.keyringCallEnded(
        call,
        KeyringCallResult.success(since(start), Observation.providerIds(edks, Math.min(before, edks.size()))));
    return result;
  }

  /**
   * {@code keyring.onDecrypt(materials, keys)}, reported as an unwrap. A keyring does not say which
   * encrypted data key it opened, so the result names no provider ids.
   */
  public static DecryptionMaterials onDecrypt(
      Keyring keyring, DecryptionMaterials materials, List<EncryptedDataKey> keys) {
    Observation o = Observation.current();
    if (o == null) {
      return keyring.onDecrypt(materials, keys);
    }
    KeyringCallObservation call = o.keyringCallStarted(call(keyring, KeyringCall.Direction.UNWRAP));
    long start = System.nanoTime();
    DecryptionMaterials result;
    try {
      result = keyring.onDecrypt(materials, keys);
    } catch (RuntimeException | Error e) {
      Observation.keyringCallEnded(call, KeyringCallResult.failure(since(start), Observation.typeName(e.getClass())));
      throw e;
    }
    Observation.keyringCallEnded(call, KeyringCallResult.success(since(start), List.of()));
    return result;
  }

  private static KeyringCall call(Keyring keyring, KeyringCall.Direction direction) {
    return KeyringCall.of(Observation.typeName(keyring.getClass()), direction);
  }

  private static long since(long start) {
    return Math.max(0, System.nanoTime() - start);
  }
}
