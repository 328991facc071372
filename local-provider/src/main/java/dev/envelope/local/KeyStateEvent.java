package dev.envelope.local;

import dev.envelope.EncryptedDataKey;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A key became unusable (disabled, scheduled for destruction, destroyed) or usable again: the
 * incident-response signal for caches and sessions holding data keys wrapped under it.
 *
 * <p>It identifies the key the way encrypted data keys do: {@link #keyNamespace()} is their
 * provider id, and their provider info starts with {@link #keyNamePrefix()} ({@code <keyId>/v})
 * followed by the version number; {@link #matches(EncryptedDataKey)} does that check.
 */
public final class KeyStateEvent {
  private final String keyId;
  private final String alias;
  private final KeyState previousState;
  private final KeyState newState;
  private final List<Integer> versions;
  private final String keyNamespace;
  private final Instant time;
  private final String caller;

  private KeyStateEvent(
      String keyId, String alias, KeyState previousState, KeyState newState, List<Integer> versions,
      String keyNamespace, Instant time, String caller) {
    this.keyId = keyId;
    this.alias = alias;
    this.previousState = previousState;
    this.newState = newState;
    this.versions = versions;
    this.keyNamespace = keyNamespace;
    this.time = time;
    this.caller = caller;
  }

  /** An event for the transition of {@code metadata}'s key from {@code previousState}. */
  public static KeyStateEvent of(KeyMetadata metadata, KeyState previousState, Instant time, String caller) {
    Objects.requireNonNull(previousState, "previousState");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(caller, "caller");
    return new KeyStateEvent(
        metadata.keyId(),
        metadata.alias().orElse(null),
        previousState,
        metadata.state(),
        metadata.versions().stream().map(KeyVersion::number).collect(java.util.stream.Collectors.toUnmodifiableList()),
        metadata.keyNamespace(),
        time,
        caller);
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

  /** The start of their key names: {@code <keyId>/v}. */
  public String keyNamePrefix() {
    return keyId + "/v";
  }

  /** The full key names of all versions ({@code <keyId>/v1}, …). */
  public List<String> keyNames() {
    return versions.stream().map(v -> KeyVersion.keyName(keyId, v)).collect(java.util.stream.Collectors.toUnmodifiableList());
  }

  /** Whether {@code edk} was wrapped under (any version of) this key. */
  public boolean matches(EncryptedDataKey edk) {
    if (!edk.providerId().equals(keyNamespace)) {
      return false;
    }
    for (String name : keyNames()) {
      byte[] n = name.getBytes(StandardCharsets.UTF_8);
      // The raw-AES provider info is name ‖ 4-byte tag length ‖ 4-byte IV length ‖ 12-byte IV.
      if (edk.providerInfoLength() == n.length + 20 && edk.providerInfoStartsWith(n)) {
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
