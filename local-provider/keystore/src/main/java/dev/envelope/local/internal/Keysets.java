package dev.envelope.local.internal;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.util.SecretBytes;
import java.security.GeneralSecurityException;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The key material of one master key as a Tink keyset: one AES-256-GCM key per version, with the
 * Tink key id equal to the version number, the newest version primary. Keys use Tink's {@code
 * NO_PREFIX} variant with a 12-byte IV and a 16-byte tag, so a Tink ciphertext is exactly
 * {@code IV (12) ‖ GCM ciphertext ‖ tag (16)}, the pieces of an ESDK raw AES encrypted data key
 * (spec: framework/raw-aes-keyring.md).
 *
 * <p>Keysets only leave memory sealed under the KEK ({@link #seal}); the one way to get key bytes
 * out is {@link #exportVersionInsecure}.
 */
public final class Keysets {
  private static final AesGcmParameters PARAMETERS;

  static {
    try {
      AeadConfig.register();
      PARAMETERS =
          AesGcmParameters.builder()
              .setKeySizeBytes(32)
              .setIvSizeBytes(12)
              .setTagSizeBytes(16)
              .setVariant(AesGcmParameters.Variant.NO_PREFIX)
              .build();
    } catch (GeneralSecurityException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private Keysets() {}

  /** A keyset with version 1 only. */
  public static KeysetHandle create() throws GeneralSecurityException {
    return KeysetHandle.newBuilder().addEntry(newVersion(1).makePrimary()).build();
  }

  /** {@code keyset} plus a new primary version {@code version}. */
  public static KeysetHandle addVersion(KeysetHandle keyset, int version) throws GeneralSecurityException {
    KeysetHandle.Builder b = KeysetHandle.newBuilder(keyset);
    b.addEntry(newVersion(version).makePrimary());
    return b.build();
  }

  private static KeysetHandle.Builder.Entry newVersion(int version) throws GeneralSecurityException {
    AesGcmKey key =
        AesGcmKey.builder()
            .setParameters(PARAMETERS)
            .setKeyBytes(SecretBytes.randomBytes(32))
            .setIdRequirement(null)
            .build();
    return KeysetHandle.importKey(key).withFixedId(version).setStatus(KeyStatus.ENABLED);
  }

  /** Serializes and encrypts {@code keyset} under {@code kek}, bound to {@code associatedData}. */
  public static byte[] seal(KeysetHandle keyset, Kek kek, byte[] associatedData) throws GeneralSecurityException {
    return TinkProtoKeysetFormat.serializeEncryptedKeyset(keyset, kek.asTinkAead(), associatedData, RegistryConfiguration.get());
  }

  /** The inverse of {@link #seal}; throws if the KEK or the associated data differ. */
  public static KeysetHandle open(byte[] sealed, Kek kek, byte[] associatedData) throws GeneralSecurityException {
    return TinkProtoKeysetFormat.parseEncryptedKeyset(sealed, kek.asTinkAead(), associatedData, RegistryConfiguration.get());
  }

  /**
   * Version number → AEAD primitive, checking that the keyset has exactly the shape this store
   * writes (AES-256-GCM, no prefix, versions 1…n, newest primary).
   */
  public static Map<Integer, Aead> primitives(KeysetHandle keyset) throws GeneralSecurityException {
    Map<Integer, Aead> out = new TreeMap<>();
    for (int i = 0; i < keyset.size(); i++) {
      KeysetHandle.Entry e = keyset.getAt(i);
      if (!(e.getKey() instanceof AesGcmKey) || !PARAMETERS.equals(e.getKey().getParameters())) {
        throw new GeneralSecurityException("keyset entry " + e.getId() + " is not an AES-256-GCM key of this store");
      }
      out.put(e.getId(), AesGcmJce.create((AesGcmKey) e.getKey()));
    }
    return Collections.unmodifiableMap(out);
  }

  /** The Tink key id of the primary entry (= the primary version). */
  public static int primaryVersion(KeysetHandle keyset) {
    return keyset.getPrimary().getId();
  }

  /**
   * The raw bytes of one version, for export to another system. Callers must audit and
   * policy-check this first, and zero the result.
   */
  public static byte[] exportVersionInsecure(KeysetHandle keyset, int version) throws GeneralSecurityException {
    for (int i = 0; i < keyset.size(); i++) {
      KeysetHandle.Entry e = keyset.getAt(i);
      if (e.getId() == version) {
        return ((AesGcmKey) e.getKey()).getKeyBytes().toByteArray(InsecureSecretKeyAccess.get());
      }
    }
    throw new GeneralSecurityException("no version " + version + " in this keyset");
  }
}
