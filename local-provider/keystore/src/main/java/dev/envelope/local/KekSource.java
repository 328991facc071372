package dev.envelope.local;

import dev.envelope.Keyring;
import dev.envelope.local.internal.KekSpec;
import dev.envelope.local.internal.KeyringKekSpec;
import dev.envelope.local.internal.PassphraseKekSpec;
import dev.envelope.local.internal.SecretKeyKekSpec;
import java.security.Provider;
import java.security.SecureRandom;
import java.util.Objects;
import javax.crypto.SecretKey;
import javax.security.auth.Destroyable;

/**
 * Where a {@link LocalKeyStore}'s key-encryption key (KEK) comes from. Every key file is sealed
 * under the KEK; the store records which kind it was created with and refuses another kind.
 *
 * <ul>
 *   <li>{@link #passphrase}: Argon2id (Bouncy Castle) over the passphrase and a random salt gives
 *       an AES-256-GCM key. Parameters and salt live in the store's metadata.
 *   <li>{@link #secretKey}: an AES key held by a JCA provider, typically a non-extractable key in a
 *       PKCS#11 token ({@code Pkcs11Token.kekSource(label)} gives that source); the KEK never
 *       enters this process.
 *   <li>{@link #keyring}: any Envelope {@link Keyring}, e.g. a KMS keyring: each key file is an
 *       Envelope message encrypted under it, so opening a key costs one call to that keyring.
 * </ul>
 *
 * <p>Holds a copy of a passphrase until {@link #destroy()}; keep the source only as long as you
 * need to open stores with it.
 */
public final class KekSource implements Destroyable {
  final KekSpec spec;
  private volatile boolean destroyed;

  private KekSource(KekSpec spec) {
    this.spec = spec;
  }

  /** A passphrase with {@link PassphraseKdfParameters#defaults()} (used only when creating a store). */
  public static KekSource passphrase(char[] passphrase) {
    return passphrase(passphrase, PassphraseKdfParameters.defaults());
  }

  /**
   * A passphrase; {@code parameters} apply when a store is created (an existing store always uses
   * the parameters it records). The array is copied: zero yours when done.
   */
  public static KekSource passphrase(char[] passphrase, PassphraseKdfParameters parameters) {
    Objects.requireNonNull(passphrase, "passphrase");
    Objects.requireNonNull(parameters, "parameters");
    return new KekSource(new PassphraseKekSpec(passphrase, parameters, new SecureRandom()));
  }

  /**
   * An AES key of {@code provider} ({@code null}: the default providers), which must support
   * {@code AES/GCM/NoPadding} with caller-chosen 12-byte IVs (SunPKCS11 with SoftHSM does).
   */
  public static KekSource secretKey(SecretKey key, Provider provider) {
    Objects.requireNonNull(key, "key");
    return new KekSource(new SecretKeyKekSpec(key, provider, new SecureRandom()));
  }

  /** Any keyring; it must be able to both encrypt and decrypt (not a discovery-only keyring). */
  public static KekSource keyring(Keyring keyring) {
    Objects.requireNonNull(keyring, "keyring");
    return new KekSource(new KeyringKekSpec(keyring));
  }

  /** The kind recorded in the store: {@code passphrase}, {@code secret-key} or {@code keyring}. */
  public String kind() {
    return spec.kind();
  }

  KekSpec spec() {
    if (destroyed) {
      throw new IllegalStateException("this KEK source was destroyed");
    }
    return spec;
  }

  /** Zeroes the passphrase copy, if any. */
  @Override
  public void destroy() {
    destroyed = true;
    spec.destroy();
  }

  @Override
  public boolean isDestroyed() {
    return destroyed;
  }

  @Override
  public String toString() {
    return "KekSource[" + spec.kind() + "]";
  }
}
