package dev.envelope;

import dev.envelope.internal.format.DecryptingInput;
import dev.envelope.internal.format.FrameCodec;
import dev.envelope.internal.format.HeaderCodec;
import dev.envelope.internal.format.MessageHeader;
import dev.envelope.internal.format.MessageInput;
import dev.envelope.internal.format.MessageReader;
import dev.envelope.internal.format.MessageWriter;
import dev.envelope.materials.DefaultMaterialsManager;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Envelope encryption in one object: encrypts data under a fresh data key, wraps that key with
 * the master keys of a {@link Keyring}, and writes one self-describing message in the AWS
 * Encryption SDK format; decrypts such messages after verifying everything.
 *
 * <pre>{@code
 * Envelope envelope = Envelope.builder().keyring(keyring).build();
 * byte[] message = envelope.encrypt(plaintext, EncryptionContext.of("tenant", "acme"));
 * Decrypted result = envelope.decrypt(message, EncryptionContext.of("tenant", "acme"));
 * }</pre>
 *
 * <h2>Security guarantees</h2>
 *
 * <ul>
 *   <li>Confidentiality and integrity of the plaintext under AES-GCM with a per-message key
 *       (every suite with a KDF); integrity of the header, including the encryption context.
 *   <li>With the default suite (0x0578): key commitment (a message decrypts to one plaintext only)
 *       and an ECDSA P-384 signature, so readers who hold the data key cannot forge messages.
 *   <li>{@link #decrypt} returns nothing unless every tag, the commitment, the signature and the
 *       message's exact length check out. Streams follow the release rules of {@link DecryptingStream}.
 *   <li>The encryption context is authenticated, not secret: the stored pairs are readable by anyone.
 * </ul>
 *
 * Not promised: hiding the message length, the number and identity of master keys, or the
 * context; protection against a caller who leaks plaintext from a stream before it completes.
 *
 * <p>Immutable and thread-safe; build one and share it.
 */
public final class Envelope {
  /**
   * The default frame size, 64 KiB, chosen by measurement (docs/benchmarks.md, FrameSizeBenchmarks):
   * every frame costs one cipher initialization (≈ 0.3 µs and ≈ 1 KB of garbage with the JDK's
   * provider), so 1 MiB messages ran 20–25% faster at 64 KiB than at the ESDK's 4 KiB, while
   * 256 KiB gained nothing more. 64 KiB keeps a decrypting stream's buffer small and leaves large
   * messages enough frames to split between threads. Readers of any ESDK accept any frame size.
   */
  public static final int DEFAULT_FRAME_SIZE = 64 * 1024;
  /** The default cap on encrypted data keys in a message read or written. */
  public static final int DEFAULT_MAX_ENCRYPTED_DATA_KEYS = 64;
  /** The default cap on the frame (or non-framed body) a decrypting stream holds in memory. */
  public static final int DEFAULT_MAX_FRAME_LENGTH = 64 * 1024 * 1024;

  private final MaterialsManager materialsManager;
  private final CommitmentPolicy commitmentPolicy;
  private final AlgorithmSuite suite;
  private final int frameSize;
  private final boolean framed;
  private final int maxEncryptedDataKeys;
  private final int maxFrameLength;

  private Envelope(Builder b) {
    this.materialsManager = b.materialsManager;
    this.commitmentPolicy = b.commitmentPolicy;
    this.suite = b.suite;
    this.frameSize = b.frameSize;
    this.framed = b.framed;
    this.maxEncryptedDataKeys = b.maxEncryptedDataKeys;
    this.maxFrameLength = b.maxFrameLength;
  }

  public static Builder builder() {
    return new Builder();
  }

  public CommitmentPolicy commitmentPolicy() {
    return commitmentPolicy;
  }

  // ------------------------------------------------------------------ encryption

  /**
   * Encrypts {@code plaintext} into one message bound to {@code context}.
   *
   * @param context pairs to authenticate with the message (stored in its header, readable by
   *     anyone); {@link EncryptionContext#empty()} for none
   * @throws IllegalArgumentException if a context key starts with {@code aws-crypto-}
   * @throws PolicyViolationException if the materials break the commitment policy or the cap on
   *     encrypted data keys
   * @throws KeyProviderException if a keyring's key source failed
   */
  public byte[] encrypt(byte[] plaintext, EncryptionContext context) {
    Objects.requireNonNull(plaintext, "plaintext");
    EncryptionMaterials materials = encryptionMaterials(context, plaintext.length);
    try {
      if (framed) {
        checkFrameCount(plaintext.length);
      }
      return MessageWriter.encrypt(materials, plaintext, framed, frameSize);
    } finally {
      materials.dataKey().ifPresent(DataKey::close);
    }
  }

  /**
   * A stream that encrypts what is written to it into {@code out} in constant memory, for
   * plaintexts of any length, unknown up front. Closing it writes the end of the message and
   * closes {@code out}. The materials are obtained (and keyrings called) before this returns.
   */
  public OutputStream encryptingStream(OutputStream out, EncryptionContext context) {
    return encryptingStream(out, context, -1);
  }

  /**
   * As {@link #encryptingStream(OutputStream, EncryptionContext)}, with a bound on the plaintext
   * length: writing more fails. The bound lets a caching materials manager reuse a data key.
   */
  public OutputStream encryptingStream(OutputStream out, EncryptionContext context, long maxPlaintextLength) {
    Objects.requireNonNull(out, "out");
    if (!framed) {
      throw new IllegalStateException(
          "non-framed messages need their length up front; encrypt them with encrypt(byte[], ...)"
              + " or use framing for streams");
    }
    if (maxPlaintextLength < -1) {
      throw new IllegalArgumentException("maxPlaintextLength cannot be negative: " + maxPlaintextLength);
    }
    EncryptionMaterials materials = encryptionMaterials(context, maxPlaintextLength);
    try {
      return MessageWriter.stream(materials, out, frameSize, maxPlaintextLength);
    } finally {
      materials.dataKey().ifPresent(DataKey::close);
    }
  }

  private void checkFrameCount(long length) {
    if (FrameCodec.regularFrames(length, frameSize) + 1 > FrameCodec.MAX_FRAMES) {
      throw new IllegalArgumentException(
          "a plaintext of " + length + " bytes needs more than 2^32 - 1 frames of " + frameSize
              + " bytes; use a larger frame size");
    }
  }

  private EncryptionMaterials encryptionMaterials(EncryptionContext context, long plaintextLength) {
    Objects.requireNonNull(context, "context");
    if (context.hasReservedKey()) {
      throw new IllegalArgumentException(
          "encryption context keys starting with '" + EncryptionContext.RESERVED_PREFIX
              + "' are reserved for the library; rename them");
    }
    EncryptionMaterialsRequest.Builder request = EncryptionMaterialsRequest.builder(context, commitmentPolicy);
    if (suite != null) {
      request.algorithmSuite(suite);
    }
    if (plaintextLength >= 0) {
      request.maxPlaintextLength(plaintextLength);
    }
    EncryptionMaterials materials = materialsManager.getEncryptionMaterials(request.build());
    try {
      checkEncryptionMaterials(materials);
      return materials;
    } catch (RuntimeException e) {
      materials.dataKey().ifPresent(DataKey::close);
      throw e;
    }
  }

  private void checkEncryptionMaterials(EncryptionMaterials materials) {
    AlgorithmSuite got = materials.algorithmSuite();
    if (suite != null && got != suite) {
      throw new PolicyViolationException(
          "the materials manager returned suite " + got.idHex() + " where " + suite.idHex()
              + " was requested");
    }
    commitmentPolicy.checkEncrypt(got, "the materials manager's suite");
    if (!materials.hasDataKey()) {
      throw new IllegalStateException("the materials manager returned no data key");
    }
    int edks = materials.encryptedDataKeys().size();
    if (edks == 0) {
      throw new IllegalStateException("the materials manager returned no encrypted data key");
    }
    if (edks > maxEncryptedDataKeys) {
      throw new PolicyViolationException(
          "the keyrings produced " + edks + " encrypted data keys, more than the configured maximum"
              + " of " + maxEncryptedDataKeys + "; raise maxEncryptedDataKeys or use fewer master keys");
    }
  }

  // ------------------------------------------------------------------ decryption

  /**
   * Decrypts a message held in memory.
   *
   * @param expected the encryption context the caller expects (the ESDK's "reproduced
   *     context"): a pair whose key is stored in the message must match it exactly; a pair whose
   *     key is not stored is required (authenticate-only) context, which the message must have
   *     been encrypted with. {@link EncryptionContext#empty()} accepts any stored context.
   * @throws MalformedMessageException if the bytes are not a complete, well-formed message
   * @throws ContextMismatchException if the message's context differs from {@code expected}
   * @throws NoMatchingKeyException if no keyring could recover the data key
   * @throws AuthenticationFailedException if a tag, the key commitment or the signature fails
   * @throws PolicyViolationException if the commitment policy or the cap on encrypted data keys
   *     refuses the message
   */
  public Decrypted decrypt(byte[] message, EncryptionContext expected) {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(expected, "expected");
    MessageInput.ArrayInput in = MessageInput.of(message, 0, message.length);
    MessageHeader header = HeaderCodec.parse(in, maxEncryptedDataKeys);
    List<String> requiredOnly = checkExpected(header, expected);
    DecryptionMaterials materials = null;
    try {
      FrameCodec codec;
      try {
        materials = decryptionMaterials(header, expected);
        codec = MessageReader.open(header, materials);
      } catch (AuthenticationFailedException | NoMatchingKeyException e) {
        // Only a failure up to the header check can be caused by the expected context; once the
        // header verified with it, a bad frame or signature is plain tampering (as in a stream).
        throw explain(e, requiredOnly);
      }
      byte[] plaintext = MessageReader.decryptBody(header, codec, materials, in);
      return new Decrypted(plaintext, materials.encryptionContext(), header.suite());
    } finally {
      closeDataKey(materials);
    }
  }

  /**
   * Reads and verifies the message header from {@code in}, then returns a stream of the plaintext.
   * See {@link DecryptingStream} for what is released when. Exceptions as for {@link #decrypt}.
   */
  public DecryptingStream decryptingStream(InputStream in, EncryptionContext expected) {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(expected, "expected");
    MessageInput.StreamInput input = MessageInput.of(in);
    MessageHeader header = HeaderCodec.parse(input, maxEncryptedDataKeys);
    if (header.frameLength() > maxFrameLength) {
      throw new PolicyViolationException(
          "the message's frames are " + header.frameLength() + " bytes, more than the "
              + maxFrameLength + " a decrypting stream may hold in memory; raise maxFrameLength"
              + " if you trust the sender, or decrypt the message in memory");
    }
    List<String> requiredOnly = checkExpected(header, expected);
    DecryptionMaterials materials = null;
    try {
      materials = decryptionMaterials(header, expected);
      DecryptingInput body = MessageReader.stream(header, materials, input, maxFrameLength);
      return new DecryptingStream(body, materials.encryptionContext(), header.suite());
    } catch (AuthenticationFailedException | NoMatchingKeyException e) {
      throw explain(e, requiredOnly);
    } finally {
      closeDataKey(materials);
    }
  }

  /**
   * Checks the expected pairs against the stored ones.
   *
   * @return the expected keys that are not stored (required, authenticate-only context)
   */
  private static List<String> checkExpected(MessageHeader header, EncryptionContext expected) {
    EncryptionContext stored = header.storedContext();
    List<String> differing = new ArrayList<>();
    List<String> requiredOnly = new ArrayList<>();
    expected.forEach((key, value) -> {
      String storedValue = stored.get(key).orElse(null);
      if (storedValue == null) {
        requiredOnly.add(key);
      } else if (!storedValue.equals(value)) {
        differing.add(key);
      }
    });
    if (!differing.isEmpty()) {
      throw new ContextMismatchException(
          "the message's encryption context has different values for " + differing
              + " than expected; this message was not encrypted for the context you gave",
          differing);
    }
    return requiredOnly;
  }

  private static EnvelopeException explain(EnvelopeException e, List<String> requiredOnly) {
    if (requiredOnly.isEmpty() || e instanceof ContextMismatchException) {
      return e;
    }
    return new ContextMismatchException(
        "the message does not decrypt with the expected context: " + requiredOnly + " are not"
            + " stored in the message, so they were checked as required (authenticate-only)"
            + " context and did not verify; leave them out unless the message was encrypted with"
            + " them as required context (" + e.getMessage() + ")",
        requiredOnly,
        e);
  }

  private DecryptionMaterials decryptionMaterials(MessageHeader header, EncryptionContext expected) {
    AlgorithmSuite messageSuite = header.suite();
    commitmentPolicy.checkDecrypt(messageSuite);
    DecryptionMaterials materials =
        materialsManager.getDecryptionMaterials(
            DecryptionMaterialsRequest.of(
                messageSuite,
                commitmentPolicy,
                header.encryptedDataKeys(),
                header.storedContext(),
                expected));
    try {
      if (materials.algorithmSuite() != messageSuite) {
        throw new PolicyViolationException(
            "the materials manager returned suite " + materials.algorithmSuite().idHex()
                + " for a message of suite " + messageSuite.idHex());
      }
      commitmentPolicy.checkDecrypt(materials.algorithmSuite());
      if (!materials.hasDataKey()) {
        throw new IllegalStateException("the materials manager returned no data key");
      }
      return materials;
    } catch (RuntimeException e) {
      closeDataKey(materials);
      throw e;
    }
  }

  private static void closeDataKey(DecryptionMaterials materials) {
    if (materials != null) {
      materials.dataKey().ifPresent(DataKey::close);
    }
  }

  // ------------------------------------------------------------------ rewrap and random access

  /**
   * Gives a message new encrypted data keys from {@code request}'s keyring without re-encrypting
   * it: this Envelope's keyring recovers the data key with every check of {@link #decrypt} (which
   * it throws the same exceptions for), and the new header keeps suite, message id, context and
   * frame length. <strong>The data key stays the same</strong>: rewrap retires or moves master
   * keys; after a data key leaked, ask for {@link RewrapRequest.Builder#reencrypt()}. The whole
   * input is authenticated, body and signature included, before anything is returned; the body is
   * returned byte for byte. See {@link RewrapRequest}.
   *
   * @throws IllegalArgumentException without {@code reencrypt}, if the message is signed or of
   *     format version 2 (suites 0x0478, 0x0578): only unsigned version-1 messages can keep their
   *     body safely (see {@link RewrapRequest})
   * @throws PolicyViolationException if the result would carry more than maxEncryptedDataKeys
   */
  public byte[] rewrap(byte[] message, EncryptionContext expected, RewrapRequest request) {
    return Rewrapping.rewrap(this, message, expected, request);
  }

  /**
   * As {@link #rewrap(byte[], EncryptionContext, RewrapRequest)}, from {@code in} to {@code out}
   * (neither is closed) in constant memory. The body is copied as it arrives <strong>without being
   * decrypted</strong>: its structure is checked (sequence numbers, lengths, nothing trailing), its
   * frame tags are left to whoever decrypts the result. When this throws, what was written to
   * {@code out} is not a message; discard it. With {@code reencrypt} the input is decrypted and
   * verified frame by frame, and the final frame is written only after the input's signature verified.
   */
  public void rewrap(InputStream in, OutputStream out, EncryptionContext expected, RewrapRequest request) {
    Rewrapping.rewrap(this, in, out, expected, request);
  }

  /**
   * Opens a framed message as a read-only channel of its plaintext, for reads at any position:
   * the header and the final frame are verified now (so a truncated message fails here), and each
   * read decrypts only the frames it touches, verifying each before returning any byte of it. See
   * {@link #openPlaintextChannelSkippingSignature} for signed messages. Closing the returned channel
   * closes {@code message}. Exceptions as for {@link #decryptingStream}.
   *
   * @throws IllegalArgumentException if the message is not framed, or is signed
   */
  public SeekableByteChannel openPlaintextChannel(SeekableByteChannel message, EncryptionContext expected) {
    return PlaintextChannels.open(this, message, expected, false);
  }

  /**
   * As {@link #openPlaintextChannel}, also for signed messages, whose <strong>signature is not
   * checked</strong>: the frames are authenticated under the data key, so anyone holding that key
   * (every reader of the message) could have forged them. Use it only where that is acceptable.
   */
  public SeekableByteChannel openPlaintextChannelSkippingSignature(
      SeekableByteChannel message, EncryptionContext expected) {
    return PlaintextChannels.open(this, message, expected, true);
  }

  /** Every check {@link #decrypt} makes before the body; the caller closes the result. */
  OpenedMessage openHeader(MessageHeader header, EncryptionContext expected) {
    List<String> requiredOnly = checkExpected(header, expected);
    DecryptionMaterials materials = null;
    try {
      materials = decryptionMaterials(header, expected);
      OpenedMessage.checkContext(header, materials);
      return new OpenedMessage(header, materials, MessageReader.open(header, materials));
    } catch (AuthenticationFailedException | NoMatchingKeyException e) {
      closeDataKey(materials);
      throw explain(e, requiredOnly);
    } catch (RuntimeException e) {
      closeDataKey(materials);
      throw e;
    }
  }

  int maxEncryptedDataKeys() {
    return maxEncryptedDataKeys;
  }

  int maxFrameLength() {
    return maxFrameLength;
  }

  // ------------------------------------------------------------------ inspection

  /**
   * Reads a message header without any key and <strong>without verifying it</strong>. See
   * {@link UnauthenticatedHeader}.
   *
   * @throws MalformedMessageException if the bytes do not start with a well-formed header
   */
  public static UnauthenticatedHeader inspectUnauthenticated(byte[] message) {
    return unauthenticated(HeaderCodec.parse(MessageInput.of(message, 0, message.length), 0xFFFF));
  }

  /** As {@link #inspectUnauthenticated(byte[])}, reading only the header from {@code in}. */
  public static UnauthenticatedHeader inspectUnauthenticated(InputStream in) {
    return unauthenticated(HeaderCodec.parse(MessageInput.of(in), 0xFFFF));
  }

  private static UnauthenticatedHeader unauthenticated(MessageHeader h) {
    return new UnauthenticatedHeader(
        h.version(), h.suite(), h.messageId(), h.storedContext(), h.encryptedDataKeys(), h.framed(),
        h.frameLength(), h.length());
  }

  @Override
  public String toString() {
    return "Envelope[suite=" + (suite == null ? "default" : suite.idHex()) + ", policy="
        + commitmentPolicy + ", frameSize=" + (framed ? Integer.toString(frameSize) : "non-framed")
        + ", materialsManager=" + materialsManager + "]";
  }

  /**
   * Configures an {@link Envelope}. Give exactly one of {@link #keyring} or {@link
   * #materialsManager}; everything else has a safe default. Setting an option twice is an error.
   * Not thread-safe.
   */
  public static final class Builder {
    private MaterialsManager materialsManager;
    private CommitmentPolicy commitmentPolicy;
    private AlgorithmSuite suite;
    private int frameSize = -1;
    private boolean framed = true;
    private boolean framedSet;
    private int maxEncryptedDataKeys = -1;
    private int maxFrameLength = -1;

    private Builder() {}

    /** Encrypt and decrypt with this keyring, through a {@link DefaultMaterialsManager}. */
    public Builder keyring(Keyring keyring) {
      Objects.requireNonNull(keyring, "keyring");
      return materialsManager(new DefaultMaterialsManager(keyring));
    }

    /** Encrypt and decrypt with this materials manager (for caching or required context). */
    public Builder materialsManager(MaterialsManager manager) {
      Objects.requireNonNull(manager, "manager");
      checkUnset(materialsManager, "keyring or materials manager");
      this.materialsManager = manager;
      return this;
    }

    /** Default: {@link CommitmentPolicy#REQUIRE_ENCRYPT_REQUIRE_DECRYPT}. */
    public Builder commitmentPolicy(CommitmentPolicy policy) {
      Objects.requireNonNull(policy, "policy");
      checkUnset(commitmentPolicy, "commitmentPolicy");
      this.commitmentPolicy = policy;
      return this;
    }

    /** The suite for new messages. Default: the commitment policy's default (0x0578). */
    public Builder algorithmSuite(AlgorithmSuite suite) {
      Objects.requireNonNull(suite, "suite");
      checkUnset(this.suite, "algorithmSuite");
      this.suite = suite;
      return this;
    }

    /** Plaintext bytes per frame for new messages. Default {@value Envelope#DEFAULT_FRAME_SIZE}. */
    public Builder frameSize(int bytes) {
      if (frameSize != -1) {
        throw new IllegalStateException("frameSize was already set to " + frameSize);
      }
      if (bytes <= 0 || bytes > FrameCodec.MAX_FRAME_LENGTH) {
        throw new IllegalArgumentException(
            "frameSize must be between 1 and " + FrameCodec.MAX_FRAME_LENGTH + ": " + bytes);
      }
      this.frameSize = bytes;
      return this;
    }

    /**
     * Whether new messages are framed (the default). Non-framed messages are a legacy layout that
     * must be held in memory whole to decrypt; write them only for old readers.
     */
    public Builder framed(boolean framed) {
      if (framedSet) {
        throw new IllegalStateException("framed was already set");
      }
      this.framedSet = true;
      this.framed = framed;
      return this;
    }

    /**
     * The most encrypted data keys a message may carry, on encrypt and decrypt. Bounds the work
     * a hostile message can cause. Default {@value Envelope#DEFAULT_MAX_ENCRYPTED_DATA_KEYS}; the
     * format's own limit is 65,535.
     */
    public Builder maxEncryptedDataKeys(int max) {
      if (maxEncryptedDataKeys != -1) {
        throw new IllegalStateException("maxEncryptedDataKeys was already set");
      }
      if (max < 1 || max > 0xFFFF) {
        throw new IllegalArgumentException("maxEncryptedDataKeys must be between 1 and 65535: " + max);
      }
      this.maxEncryptedDataKeys = max;
      return this;
    }

    /**
     * The largest frame, or non-framed body, that {@link Envelope#decryptingStream} holds in
     * memory: a stream must verify a whole frame before releasing it, so this bounds the memory a
     * hostile or unusual message can make it use (buffers grow only as bytes arrive, so a header's
     * claim alone costs nothing). Default {@value Envelope#DEFAULT_MAX_FRAME_LENGTH} bytes. In-memory
     * {@link Envelope#decrypt} needs no such bound. New messages' frame size must not exceed it.
     */
    public Builder maxFrameLength(int bytes) {
      if (maxFrameLength != -1) {
        throw new IllegalStateException("maxFrameLength was already set");
      }
      if (bytes <= 0 || bytes > FrameCodec.MAX_FRAME_LENGTH) {
        throw new IllegalArgumentException(
            "maxFrameLength must be between 1 and " + FrameCodec.MAX_FRAME_LENGTH + ": " + bytes);
      }
      this.maxFrameLength = bytes;
      return this;
    }

    /**
     * @throws IllegalStateException if no keyring or materials manager was given, the suite is
     *     not allowed by the commitment policy, or the frame size exceeds maxFrameLength
     */
    public Envelope build() {
      if (materialsManager == null) {
        throw new IllegalStateException("give the Envelope a keyring or a materials manager");
      }
      if (commitmentPolicy == null) {
        commitmentPolicy = CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT;
      }
      if (suite != null && !commitmentPolicy.allowsEncrypt(suite)) {
        throw new IllegalStateException(
            "suite " + suite.idHex() + (suite.isCommitting()
                ? " commits to its key, which commitment policy " + commitmentPolicy
                    + " forbids; use REQUIRE_ENCRYPT_ALLOW_DECRYPT or REQUIRE_ENCRYPT_REQUIRE_DECRYPT"
                : " does not commit to its key, which commitment policy " + commitmentPolicy
                    + " forbids; use FORBID_ENCRYPT_ALLOW_DECRYPT to write it (for old readers only)"));
      }
      if (frameSize == -1) {
        frameSize = DEFAULT_FRAME_SIZE;
      }
      if (maxEncryptedDataKeys == -1) {
        maxEncryptedDataKeys = DEFAULT_MAX_ENCRYPTED_DATA_KEYS;
      }
      if (maxFrameLength == -1) {
        maxFrameLength = Math.max(DEFAULT_MAX_FRAME_LENGTH, frameSize);
      }
      if (frameSize > maxFrameLength) {
        throw new IllegalStateException(
            "frameSize " + frameSize + " exceeds maxFrameLength " + maxFrameLength
                + ": streams could not read back what this Envelope writes");
      }
      return new Envelope(this);
    }

    private static void checkUnset(Object current, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " was already set");
      }
    }
  }
}
