package dev.envelope;

import static dev.envelope.internal.util.Preconditions.requireState;
import static dev.envelope.internal.util.Preconditions.requireUnset;

import dev.envelope.internal.crypto.Primitives;
import dev.envelope.internal.format.Engine;
import dev.envelope.internal.format.FrameCodec;
import dev.envelope.internal.format.HeaderCodec;
import dev.envelope.internal.format.MessageInput;
import dev.envelope.internal.observe.Observers;
import dev.envelope.materials.DefaultMaterialsManager;
import dev.envelope.observe.EnvelopeObserver;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SeekableByteChannel;
import java.security.Provider;
import java.util.Objects;
import java.util.concurrent.Executor;

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
  /** The default cap on the encryption context pairs of a message read. */
  public static final int DEFAULT_MAX_ENCRYPTION_CONTEXT_PAIRS = 1024;
  /** The default cap on the header length of a message read: 1 MiB. */
  public static final int DEFAULT_MAX_HEADER_LENGTH = 1024 * 1024;

  private final MaterialsManager materialsManager;
  private final CommitmentPolicy commitmentPolicy;
  private final AlgorithmSuite suite;
  private final int frameSize;
  private final boolean framed;
  private final Encryptor encryptor;
  private final Decryptor decryptor;
  /** Null without an observer: then no observation code runs. */
  private final Observing observing;

  private Envelope(Builder b, MaterialsManager materialsManager) {
    this.materialsManager = materialsManager;
    this.commitmentPolicy = b.commitmentPolicy;
    this.suite = b.suite;
    this.frameSize = b.frameSize;
    this.framed = b.framed;
    Engine engine =
        b.engineSettingsGiven()
            ? Engine.of(
                Primitives.chosen(b.cryptoProvider, b.signatureProvider),
                b.executor,
                b.parallelism,
                b.parallelThreshold)
            : Engine.defaults();
    this.decryptor =
        new Decryptor(
            materialsManager,
            commitmentPolicy,
            engine,
            new Decryptor.Limits(
                b.maxEncryptedDataKeys, b.maxFrameLength, b.maxContextPairs, b.maxHeaderLength),
            b.streamSignaturePolicy);
    this.encryptor =
        new Encryptor(
            materialsManager,
            commitmentPolicy,
            engine,
            new Encryptor.Layout(suite, framed, frameSize, b.maxEncryptedDataKeys));
    this.observing = b.observer == null ? null : new Observing(Observers.of(b.observer), encryptor, decryptor);
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
    return observing == null ? encryptor.encrypt(plaintext, context) : observing.encrypt(plaintext, context);
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
    return observing == null
        ? encryptor.encryptingStream(out, context, maxPlaintextLength)
        : observing.encryptingStream(out, context, maxPlaintextLength);
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
   * @throws MaterialsContextException if the materials manager returned a context that contradicts
   *     the message
   */
  public Decrypted decrypt(byte[] message, EncryptionContext expected) {
    return observing == null ? decryptor.decrypt(message, expected) : observing.decrypt(message, expected);
  }

  /**
   * Reads and verifies the message header from {@code in}, then returns a stream of the plaintext.
   * See {@link DecryptingStream} for what is released when, and {@link StreamSignaturePolicy} for
   * signed messages. Exceptions as for {@link #decrypt}; a {@link PolicyViolationException} also
   * if the stream signature policy refuses the message.
   */
  public DecryptingStream decryptingStream(InputStream in, EncryptionContext expected) {
    return observing == null
        ? decryptor.decryptingStream(in, expected)
        : observing.decryptingStream(in, expected);
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
    return observing == null
        ? Rewrapping.rewrap(decryptor, message, expected, request)
        : observing.rewrap(message, expected, request);
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
    if (observing == null) {
      Rewrapping.rewrap(decryptor, in, out, expected, request);
    } else {
      observing.rewrap(in, out, expected, request);
    }
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
    return observing == null
        ? PlaintextChannels.open(decryptor, message, expected, false)
        : observing.openPlaintextChannel(message, expected, false);
  }

  /**
   * As {@link #openPlaintextChannel}, also for signed messages, whose <strong>signature is not
   * checked</strong>: the frames are authenticated under the data key, so anyone holding that key
   * (every reader of the message) could have forged them. Use it only where that is acceptable.
   */
  public SeekableByteChannel openPlaintextChannelSkippingSignature(
      SeekableByteChannel message, EncryptionContext expected) {
    return observing == null
        ? PlaintextChannels.open(decryptor, message, expected, true)
        : observing.openPlaintextChannel(message, expected, true);
  }

  // ------------------------------------------------------------------ inspection

  /**
   * Reads a message header without any key and <strong>without verifying it</strong>. See
   * {@link UnauthenticatedHeader}.
   *
   * @throws MalformedMessageException if the bytes do not start with a well-formed header
   */
  public static UnauthenticatedHeader inspectUnauthenticated(byte[] message) {
    return UnauthenticatedHeader.of(HeaderCodec.parse(MessageInput.of(message, 0, message.length), 0xFFFF));
  }

  /** As {@link #inspectUnauthenticated(byte[])}, reading only the header from {@code in}. */
  public static UnauthenticatedHeader inspectUnauthenticated(InputStream in) {
    return UnauthenticatedHeader.of(HeaderCodec.parse(MessageInput.of(in), 0xFFFF));
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
   *
   * <p>The runtime options ({@link #cryptoProvider}, {@link #executor}, {@link #parallelism},
   * {@link #parallelThreshold}, {@link #signingKeyPrefetch}) default to JVM-wide values that the
   * system properties {@code dev.envelope.crypto.provider}, {@code dev.envelope.parallel.threads},
   * {@code dev.envelope.parallel.minBytes} and {@code dev.envelope.signing.prefetch} set, read
   * once; an option given here applies to this Envelope only.
   */
  public static final class Builder {
    private static final String UNDERLYING = "keyring or materials manager";
    private Keyring keyring;
    private MaterialsManager materialsManager;
    private CommitmentPolicy commitmentPolicy;
    private AlgorithmSuite suite;
    private int frameSize = -1;
    private boolean framed = true;
    private boolean framedSet;
    private int maxEncryptedDataKeys = -1;
    private int maxFrameLength = -1;
    private Provider cryptoProvider;
    private Provider signatureProvider;
    private Executor executor;
    private int parallelism = -1;
    private long parallelThreshold = -1;
    private int signingKeyPrefetch = -1;
    private StreamSignaturePolicy streamSignaturePolicy;
    private int maxContextPairs = -1;
    private int maxHeaderLength = -1;
    private EnvelopeObserver observer;

    private Builder() {}

    /** Encrypt and decrypt with this keyring, through a {@link DefaultMaterialsManager}. */
    public Builder keyring(Keyring keyring) {
      Objects.requireNonNull(keyring, "keyring");
      requireUnset(materialsManager != null || this.keyring != null, UNDERLYING);
      this.keyring = keyring;
      return this;
    }

    /** Encrypt and decrypt with this materials manager (for caching or required context). */
    public Builder materialsManager(MaterialsManager manager) {
      Objects.requireNonNull(manager, "manager");
      requireUnset(materialsManager != null || keyring != null, UNDERLYING);
      this.materialsManager = manager;
      return this;
    }

    /**
     * The JCA provider for the message's own cryptography: frame and header AES-GCM, the key
     * derivation and commitment HMACs, signing and verifying, message ids. Algorithms it lacks come
     * from the JDK's providers. Keyrings choose their own providers. Default: the JVM-wide choice
     * of the system property {@code dev.envelope.crypto.provider} ({@code auto}: the Amazon Corretto
     * Crypto Provider when it is on the class path and healthy, the JDK otherwise).
     */
    public Builder cryptoProvider(Provider provider) {
      Objects.requireNonNull(provider, "provider");
      requireUnset(cryptoProvider != null, "cryptoProvider");
      this.cryptoProvider = provider;
      return this;
    }

    /**
     * The JCA provider for signing and verifying messages (ECDSA), such as {@code new
     * BouncyCastleProvider()} or {@code Security.getProvider("SunEC")}. Default: the JVM-wide rule
     * of the system property {@code dev.envelope.crypto.ecdsa} (ACCP when in use, else Bouncy
     * Castle on JDKs whose SunEC is slower, else the JDK). Throws IllegalArgumentException for a
     * provider without P-256/P-384 ECDSA.
     */
    public Builder signatureProvider(Provider provider) {
      Objects.requireNonNull(provider, "provider");
      requireUnset(signatureProvider != null, "signatureProvider");
      Primitives.of(null, provider); // checks it offers ECDSA
      this.signatureProvider = provider;
      return this;
    }

    /**
     * Where the frames of a large message run besides the calling thread, as Caffeine's {@code
     * executor}. The calling thread always takes a share, and runs any share the executor rejects
     * or has not started when the caller gets to it, so a small or busy executor slows a message
     * down but cannot deadlock it. Default: the common {@link java.util.concurrent.ForkJoinPool}.
     * {@code Runnable::run} keeps every frame on the calling thread.
     */
    public Builder executor(Executor executor) {
      Objects.requireNonNull(executor, "executor");
      requireUnset(this.executor != null, "executor");
      this.executor = executor;
      return this;
    }

    /**
     * The most threads, the caller's included, one message's frames are split between, 1 to 256;
     * 1 keeps every message on the calling thread. Default: the system property {@code
     * dev.envelope.parallel.threads}, else the number of processors up to 8.
     */
    public Builder parallelism(int threads) {
      requireUnset(parallelism != -1, "parallelism");
      if (threads < 1 || threads > 256) {
        throw new IllegalArgumentException("parallelism must be between 1 and 256: " + threads);
      }
      this.parallelism = threads;
      return this;
    }

    /**
     * The smallest message body, in plaintext bytes, whose frames are split between threads;
     * positive. Default: the system property {@code dev.envelope.parallel.minBytes}, else 2 MiB
     * (below that, waking a thread costs about what it saves).
     */
    public Builder parallelThreshold(long bytes) {
      requireUnset(parallelThreshold != -1, "parallelThreshold");
      if (bytes < 1) {
        throw new IllegalArgumentException("parallelThreshold must be positive: " + bytes);
      }
      this.parallelThreshold = bytes;
      return this;
    }

    /**
     * How many fresh signing key pairs per curve a daemon thread keeps ready for signing suites, 0
     * to {@value DefaultMaterialsManager#MAX_SIGNING_KEY_PREFETCH}; 0 generates each pair on the
     * calling thread and starts no thread. Applies to the materials manager this builder makes
     * from a {@link #keyring}; a {@link #materialsManager} you give is configured by you ({@link
     * DefaultMaterialsManager#DefaultMaterialsManager(Keyring, int)}). Default: the system property
     * {@code dev.envelope.signing.prefetch}, else 8.
     */
    public Builder signingKeyPrefetch(int pairs) {
      requireUnset(signingKeyPrefetch != -1, "signingKeyPrefetch");
      if (pairs < 0 || pairs > DefaultMaterialsManager.MAX_SIGNING_KEY_PREFETCH) {
        throw new IllegalArgumentException(
            "signingKeyPrefetch must be between 0 and "
                + DefaultMaterialsManager.MAX_SIGNING_KEY_PREFETCH + ": " + pairs);
      }
      this.signingKeyPrefetch = pairs;
      return this;
    }

    private boolean engineSettingsGiven() {
      return cryptoProvider != null
          || signatureProvider != null
          || executor != null
          || parallelism != -1
          || parallelThreshold != -1;
    }

    /** Default: {@link CommitmentPolicy#REQUIRE_ENCRYPT_REQUIRE_DECRYPT}. */
    public Builder commitmentPolicy(CommitmentPolicy policy) {
      Objects.requireNonNull(policy, "policy");
      requireUnset(commitmentPolicy != null, "commitmentPolicy");
      this.commitmentPolicy = policy;
      return this;
    }

    /** The suite for new messages. Default: the commitment policy's default (0x0578). */
    public Builder algorithmSuite(AlgorithmSuite suite) {
      Objects.requireNonNull(suite, "suite");
      requireUnset(this.suite != null, "algorithmSuite");
      this.suite = suite;
      return this;
    }

    /** Plaintext bytes per frame for new messages. Default {@value Envelope#DEFAULT_FRAME_SIZE}. */
    public Builder frameSize(int bytes) {
      requireState(frameSize == -1, "frameSize was already set to %s", frameSize);
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
      requireUnset(framedSet, "framed");
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
      requireUnset(maxEncryptedDataKeys != -1, "maxEncryptedDataKeys");
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
      requireUnset(maxFrameLength != -1, "maxFrameLength");
      if (bytes <= 0 || bytes > FrameCodec.MAX_FRAME_LENGTH) {
        throw new IllegalArgumentException(
            "maxFrameLength must be between 1 and " + FrameCodec.MAX_FRAME_LENGTH + ": " + bytes);
      }
      this.maxFrameLength = bytes;
      return this;
    }

    /**
     * The most encryption context pairs a message read may carry, checked before any pair is
     * parsed. Default {@value Envelope#DEFAULT_MAX_ENCRYPTION_CONTEXT_PAIRS}; the format's limit is 65,535.
     */
    public Builder maxEncryptionContextPairs(int max) {
      requireState(maxContextPairs == -1, "maxEncryptionContextPairs was already set to %s", maxContextPairs);
      if (max < 1 || max > 0xFFFF) {
        throw new IllegalArgumentException("maxEncryptionContextPairs must be between 1 and 65535: " + max);
      }
      this.maxContextPairs = max;
      return this;
    }

    /**
     * The longest header a message read may have, in bytes, checked before each of its variable
     * fields is read. Default {@value Envelope#DEFAULT_MAX_HEADER_LENGTH}.
     */
    public Builder maxHeaderLength(int bytes) {
      requireState(maxHeaderLength == -1, "maxHeaderLength was already set to %s", maxHeaderLength);
      if (bytes < 1) {
        throw new IllegalArgumentException("maxHeaderLength must be positive: " + bytes);
      }
      this.maxHeaderLength = bytes;
      return this;
    }

    /** How {@link Envelope#decryptingStream} treats signed messages. Default {@link StreamSignaturePolicy#verifyBeforeRelease()}. */
    public Builder streamSignaturePolicy(StreamSignaturePolicy policy) {
      Objects.requireNonNull(policy, "policy");
      requireUnset(streamSignaturePolicy != null, "streamSignaturePolicy");
      this.streamSignaturePolicy = policy;
      return this;
    }

    /**
     * Reports every operation of the Envelope, its keyring calls and its end to {@code observer}
     * (see {@link dev.envelope.observe}: no plaintext, key material or encryption-context value
     * unless the observer allow-lists the context key). The observer's {@link
     * EnvelopeObserver#recordedContextKeys()} is read once, by {@link #build}. Stream and channel
     * operations end when they are closed or fail; one closed before its verified end fails with
     * reason {@code ClosedBeforeEnd}. A rewrap reports the size of the message it writes; a
     * keyring's unwrap reports no key provider ids (keyrings do not say which key they opened).
     * Default: none, and then no observation code runs.
     */
    public Builder observer(EnvelopeObserver observer) {
      Objects.requireNonNull(observer, "observer");
      requireUnset(this.observer != null, "observer");
      this.observer = observer;
      return this;
    }

    /**
     * @throws IllegalStateException if no keyring or materials manager was given, the suite is
     *     not allowed by the commitment policy, the frame size exceeds maxFrameLength, or
     *     signingKeyPrefetch was set with a materials manager instead of a keyring
     */
    public Envelope build() {
      if (materialsManager == null && keyring == null) {
        throw new IllegalStateException("give the Envelope a keyring or a materials manager");
      }
      if (materialsManager != null && signingKeyPrefetch != -1) {
        throw new IllegalStateException(
            "signingKeyPrefetch configures the materials manager the Envelope makes from a keyring;"
                + " with your own materials manager, set it there (new DefaultMaterialsManager("
                + "keyring, prefetch))");
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
      maxContextPairs = maxContextPairs == -1 ? DEFAULT_MAX_ENCRYPTION_CONTEXT_PAIRS : maxContextPairs;
      maxHeaderLength = maxHeaderLength == -1 ? DEFAULT_MAX_HEADER_LENGTH : maxHeaderLength;
      if (streamSignaturePolicy == null) {
        streamSignaturePolicy = StreamSignaturePolicy.verifyBeforeRelease();
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
      MaterialsManager manager = materialsManager;
      if (manager == null) {
        manager =
            signingKeyPrefetch == -1
                ? new DefaultMaterialsManager(keyring)
                : new DefaultMaterialsManager(keyring, signingKeyPrefetch);
      }
      return new Envelope(this, manager);
    }

  }
}
