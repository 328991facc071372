package dev.envelope.local;

import dev.envelope.EncryptedDataKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A key became unusable (disabled, scheduled for destruction, destroyed) or usable again: the
 * incident-response signal for caches and sessions holding data keys wrapped under it.
 *
 * <p>It identifies the key the way encrypted data keys do: {@link #keyNamespace()} is their
 * provider id, and their provider info starts with one of {@link #keyNames()} ({@code
 * <keyId>/v<n>} in the local key store, the label of a PKCS#11 token key);
 * {@link #matches(EncryptedDataKey)} does that check. {@link KeyStateListener#purging} turns it
 * into a cache purge.
 */
public final class KeyStateEvent {
  private final String keyId;
  private final String alias;
  private final KeyState previousState;
  private final KeyState newState;
  private final List<Integer> versions;
  private final List<String> keyNames;
  private final String keyNamePrefix;
  private final List<byte[]> keyNamesUtf8;
  private final String keyNamespace;
  private final Instant time;
  private final String caller;

  private KeyStateEvent(KeyMetadata metadata, KeyState previousState, Instant time, String caller) {
    this.keyId = metadata.keyId();
    this.alias = metadata.alias().orElse(null);
    this.previousState = previousState;
    this.newState = metadata.state();
    this.versions = metadata.versions().stream().map(KeyVersion::number).collect(Collectors.toUnmodifiableList());
    this.keyNames = metadata.versions().stream().map(KeyVersion::keyName).collect(Collectors.toUnmodifiableList());
    this.keyNamePrefix = metadata.keyNamePrefix();
    this.keyNamesUtf8 = keyNames.stream().map(n -> n.getBytes(StandardCharsets.UTF_8)).collect(Collectors.toUnmodifiableList());
    this.keyNamespace = metadata.keyNamespace();
    this.time = time;
    this.caller = caller;
  }

  /** An event for the transition of {@code metadata}'s key from {@code previousState}. */
  public static KeyStateEvent of(KeyMetadata metadata, KeyState previousState, Instant time, String caller) {
    Objects.requireNonNull(previousState, "previousState");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(caller, "caller");
    return new KeyStateEvent(metadata, previousState, time, caller);
  }

  public String keyId() {
    return keyId;
  }

  public Optional<String> alias() {
    return Optional.ofNullable(alias);
  }

  public KeyState previousState() {
    return previousState;
  }

  public KeyState newState() {
    return newState;
  }

  /** Whether the key can no longer be used: the signal to purge cached data keys wrapped under it. */
  public boolean revokesUse() {
    return newState != KeyState.ENABLED;
  }

  /** Every version of the key (all are affected: state is per key). */
  public List<Integer> versions() {
    return versions;
  }

  /** The provider id of encrypted data keys wrapped under this key. */
  public String keyNamespace() {
    return keyNamespace;
  }

  /** The start of their key names: {@link KeyMetadata#keyNamePrefix()}. */
  public String keyNamePrefix() {
    return keyNamePrefix;
  }

  /** The full key names of all versions ({@code <keyId>/v1}, … in the key store; a token key's label). */
  public List<String> keyNames() {
    return keyNames;
  }

  /**
   * Whether {@code edk} was wrapped under (any version of) this key: its provider id is {@link
   * #keyNamespace()} and its provider info is one of {@link #keyNames()}, followed by the AES-GCM
   * parameters in the raw AES layout, or alone in the raw RSA layout (a PKCS#11 RSA key pair).
   */
  public boolean matches(EncryptedDataKey edk) {
    if (!edk.providerId().equals(keyNamespace)) {
      return false;
    }
    int length = edk.providerInfoLength();
    for (byte[] name : keyNamesUtf8) {
      // spec: framework/raw-aes-keyring.md: name ‖ tag bits (4) ‖ IV length (4) ‖ IV (12);
      // framework/raw-rsa-keyring.md: name.
      if ((length == name.length + 20 || length == name.length) && edk.providerInfoStartsWith(name)) {
        return true;
      }
    }
    return false;
  }

  public Instant time() {
    return time;
  }

  public String caller() {
    return caller;
  }

  @Override
  public String toString() {
    return "KeyStateEvent[" + keyId + " " + previousState + " -> " + newState + ", versions=" + versions
        + ", namespace=" + keyNamespace + ", at " + time + "]";
  }
}
