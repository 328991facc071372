package dev.envelope;

import java.util.Objects;

/**
 * What {@link Envelope#rewrap} does to a message: which keyring wraps its data key from now on,
 * whether the old encrypted data keys stay, and whether the message is re-encrypted instead.
 *
 * <pre>{@code
 * Envelope old = Envelope.builder().keyring(retiringKeyring).build();
 * byte[] moved = old.rewrap(message, EncryptionContext.empty(), RewrapRequest.to(newKeyring).build());
 * }</pre>
 *
 * <h2>Security guarantees</h2>
 *
 * A rewrap keeps the message's data key, message id, suite, context, frame length and body: only
 * the encrypted data keys and the header tag change. It therefore answers <em>key retirement and
 * migration</em> (a master key is rotated, retired, or the keys move to another provider), not the
 * compromise of a data key: whoever learned a message's data key can still read the rewrapped
 * message. For that, ask for {@link Builder#reencrypt()}: a new data key, message id and (for
 * signing suites) signature.
 *
 * <p>Only <strong>unsigned version-1 messages</strong> (suites 0x0014 to 0x0178) are rewrapped in
 * place (header IV and tag, and encrypted data keys, change); the others need {@code reencrypt()}:
 *
 * <ul>
 *   <li>signing suites: the signature covers the header and its key was discarded when the message
 *       was written;
 *   <li>version-2 suites (0x0478, 0x0578): the header tag is AES-GCM under the message's content key
 *       with an IV fixed at zero. A new header under the same data key and message id would be a
 *       second tag under the same key and IV, which reveals GCM's authentication key to anyone who
 *       holds both the old and the new message, and lets them forge its header and frames. A
 *       version-1 header carries its IV, so the new header gets a fresh random one.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class RewrapRequest {
  private final Keyring destination;
  private final boolean keepExistingKeys;
  private final boolean reencrypt;

  private RewrapRequest(Builder b) {
    this.destination = b.destination;
    this.keepExistingKeys = b.keepExistingKeys;
    this.reencrypt = b.reencrypt;
  }

  /**
   * Starts a request whose new encrypted data keys come from {@code destination}. For several
   * master keys use a {@code MultiKeyring} of children without a generator: the data key exists
   * already, and each child wraps it.
   */
  public static Builder to(Keyring destination) {
    return new Builder(Objects.requireNonNull(destination, "destination"));
  }

  /** The keyring that wraps the data key in the rewrapped message. */
  public Keyring destination() {
    return destination;
  }

  /** Whether the message's existing encrypted data keys are kept, the new ones added after them. */
  public boolean keepsExistingKeys() {
    return keepExistingKeys;
  }

  /** Whether the message is decrypted and encrypted again under a new data key. */
  public boolean reencrypts() {
    return reencrypt;
  }

  @Override
  public String toString() {
    return "RewrapRequest[to=" + destination + ", keepExistingKeys=" + keepExistingKeys
        + ", reencrypt=" + reencrypt + "]";
  }

  /** Builds a {@link RewrapRequest}. Setting an option twice is an error. Not thread-safe. */
  public static final class Builder {
    private final Keyring destination;
    private boolean keepExistingKeys;
    private boolean reencrypt;

    private Builder(Keyring destination) {
      this.destination = destination;
    }

    /**
     * Keep the message's encrypted data keys and add the destination's after them (for example
     * to add a recovery key), instead of replacing them. Not with {@link #reencrypt()}.
     */
    public Builder keepExistingKeys() {
      if (keepExistingKeys) {
        throw new IllegalStateException("keepExistingKeys was already set");
      }
      this.keepExistingKeys = true;
      return this;
    }

    /**
     * Decrypt the message (verifying everything, signature included) and encrypt it again under a
     * new data key, message id and, for signing suites, a new signature, in constant memory for
     * streams. Required for signing suites; the answer to a compromised data key. The new message
     * keeps the suite when the commitment policy allows writing it (else the policy's default), the
     * context and the frame length (a non-framed message becomes framed).
     */
    public Builder reencrypt() {
      if (reencrypt) {
        throw new IllegalStateException("reencrypt was already set");
      }
      this.reencrypt = true;
      return this;
    }

    /**
     * @throws IllegalStateException if both {@code keepExistingKeys} and {@code reencrypt} were set
     *     (a re-encrypted message has a new data key, which the old encrypted keys do not hold)
     */
    public RewrapRequest build() {
      if (keepExistingKeys && reencrypt) {
        throw new IllegalStateException(
            "keepExistingKeys cannot be combined with reencrypt: the re-encrypted message has a new"
                + " data key that the old encrypted data keys do not hold; add the old master key to"
                + " the destination keyring instead");
      }
      return new RewrapRequest(this);
    }
  }
}
