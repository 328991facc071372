package dev.envelope;

import dev.envelope.internal.format.DecryptingInput;
import dev.envelope.internal.format.MessageHeader;
import dev.envelope.internal.format.MessageInput;
import dev.envelope.internal.format.MessageReader;
import dev.envelope.internal.format.MessageWriter;
import dev.envelope.internal.format.Rewrapper;
import dev.envelope.internal.observe.KeyringCalls;
import dev.envelope.materials.DefaultMaterialsManager;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * {@link Envelope#rewrap}: recovers a message's data key with the Envelope's own materials manager
 * (every check of decrypt), wraps it with the request's keyring and writes a new header in front of
 * the unchanged body; or, when asked, decrypts and encrypts the message again under a new data key.
 * The data key goes only to the keyrings, never to the caller.
 */
final class Rewrapping {
  /** Re-encryption holds back only the final frame until the source's signature verifies. */
  private static final long RELEASE_BEFORE_SIGNATURE = -1;
  private Rewrapping() {}

  static byte[] rewrap(Decryptor reader, byte[] message, EncryptionContext expected, RewrapRequest request) {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(request, "request");
    MessageInput.ArrayInput in = MessageInput.of(message, 0, message.length);
    MessageHeader header = reader.parseHeader(in);
    checkRewrappable(header, request);
    try (OpenedMessage opened = reader.openHeader(header, expected)) {
      if (request.reencrypts()) {
        byte[] plaintext = MessageReader.decryptBody(header, opened.codec, opened.materials, in);
        try {
          EncryptionMaterials materials = newMaterials(reader, opened, request, plaintext.length);
          try {
            return MessageWriter.encrypt(materials, plaintext, true, frameLength(header), reader.engine());
          } finally {
            materials.dataKey().ifPresent(DataKey::close);
          }
        } finally {
          Arrays.fill(plaintext, (byte) 0);
        }
      }
      int bodyStart = in.position();
      Rewrapper.verifyBody(header, opened.codec, opened.materials, in);
      byte[] newHeader = newHeader(reader, opened, request);
      byte[] out = Arrays.copyOf(newHeader, newHeader.length + (message.length - bodyStart));
      System.arraycopy(message, bodyStart, out, newHeader.length, message.length - bodyStart);
      return out;
    }
  }

  static void rewrap(
      Decryptor reader, InputStream in, OutputStream out, EncryptionContext expected, RewrapRequest request) {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(request, "request");
    MessageInput.StreamInput input = MessageInput.of(in);
    MessageHeader header = reader.parseHeader(input);
    checkRewrappable(header, request);
    if (request.reencrypts()) {
      reencryptStream(reader, header, input, out, expected, request);
      return;
    }
    byte[] newHeader;
    try (OpenedMessage opened = reader.openHeader(header, expected)) {
      newHeader = newHeader(reader, opened, request);
    }
    try {
      out.write(newHeader);
    } catch (IOException e) {
      throw new UncheckedIOException("writing the rewrapped message failed: " + e.getMessage(), e);
    }
    Rewrapper.copyBody(header, input, out);
  }

  private static void reencryptStream(
      Decryptor reader, MessageHeader header, MessageInput.StreamInput input, OutputStream out,
      EncryptionContext expected, RewrapRequest request) {
    if (header.frameLength() > reader.maxFrameLength()) {
      throw new PolicyViolationException(
          "the message's frames are " + header.frameLength() + " bytes, more than the "
              + reader.maxFrameLength() + " a stream may hold in memory; raise maxFrameLength if"
              + " you trust the sender, or rewrap the message in memory");
    }
    DecryptingInput plaintext;
    EncryptionMaterials materials;
    try (OpenedMessage opened = reader.openHeader(header, expected)) {
      plaintext = MessageReader.stream(
          header, opened.materials, input, reader.maxFrameLength(), RELEASE_BEFORE_SIGNATURE, reader.engine());
      materials = newMaterials(reader, opened, request, -1);
    }
    OutputStream encrypting;
    try {
      encrypting = MessageWriter.stream(materials, new KeepOpen(out), frameLength(header), -1, reader.engine());
    } finally {
      materials.dataKey().ifPresent(DataKey::close);
    }
    try {
      plaintext.transferTo(encrypting);
      if (!plaintext.isComplete()) {
        throw new IllegalStateException("the decrypting stream ended before the message's verified end");
      }
      // Only now, after the input's final frame (and signature) verified, is the end written.
      encrypting.close();
    } catch (IOException e) {
      throw new UncheckedIOException("re-encrypting the message failed: " + e.getMessage(), e);
    }
  }

  /**
   * Only unsigned version-1 messages keep their body: a signature covers the header and its key was
   * discarded; a version-2 header tag has a fixed IV that a second tag under the same content key
   * would reuse (see {@link Rewrapper}).
   */
  private static void checkRewrappable(MessageHeader header, RewrapRequest request) {
    if (request.reencrypts()) {
      return;
    }
    if (header.suite().isSigned()) {
      throw new IllegalArgumentException(
          "the message uses signing suite " + header.suite().idHex() + ": its signature covers the"
              + " header and its signing key was discarded when it was written, so its keys cannot"
              + " be replaced in place; ask for a full re-encryption (RewrapRequest...reencrypt())");
    }
    if (header.version() != 1) {
      throw new IllegalArgumentException(
          "the message uses suite " + header.suite().idHex() + " (message format version 2), whose"
              + " header tag has a fixed IV: a new header under the same data key would reuse it,"
              + " which lets anyone holding both messages forge them; ask for a full re-encryption"
              + " (RewrapRequest...reencrypt())");
    }
  }

  /** The new header: the destination's encrypted data keys, after the old ones if asked. */
  private static byte[] newHeader(Decryptor reader, OpenedMessage opened, RewrapRequest request) {
    List<EncryptedDataKey> added = wrap(opened, request.destination());
    List<EncryptedDataKey> edks =
        request.keepsExistingKeys() ? Rewrapper.plus(opened.header.encryptedDataKeys(), added) : added;
    if (edks.size() > reader.maxEncryptedDataKeys()) {
      throw new PolicyViolationException(
          "the rewrapped message would carry " + edks.size() + " encrypted data keys, more than the"
              + " configured maximum of " + reader.maxEncryptedDataKeys()
              + "; raise maxEncryptedDataKeys or use fewer master keys");
    }
    return Rewrapper.rewriteHeader(opened.header, opened.codec, opened.materials, edks);
  }

  /** Asks {@code destination} to wrap the message's data key, bound to the message's full context. */
  private static List<EncryptedDataKey> wrap(OpenedMessage opened, Keyring destination) {
    DecryptionMaterials source = opened.materials;
    AlgorithmSuite suite = source.algorithmSuite();
    DataKey key = opened.dataKey().copy();
    EncryptionMaterials result = null;
    try {
      EncryptionMaterials start =
          EncryptionMaterials.builder(suite, source.encryptionContext())
              .requiredContextKeys(source.requiredContextKeys())
              .dataKey(key)
              .build();
      result = KeyringCalls.onEncrypt(destination, start);
      if (result.algorithmSuite() != suite
          || !result.encryptionContext().equals(start.encryptionContext())
          || !result.dataKey().map(k -> k.sameKeyAs(opened.dataKey())).orElse(false)) {
        throw new IllegalStateException(
            "keyring " + destination + " changed the suite, the context or the data key it was"
                + " asked to wrap");
      }
      if (result.encryptedDataKeys().isEmpty()) {
        throw new IllegalStateException("keyring " + destination + " added no encrypted data key");
      }
      return result.encryptedDataKeys();
    } finally {
      key.close();
      if (result != null) {
        result.dataKey().ifPresent(DataKey::close);
      }
    }
  }

  /** Materials for the re-encrypted message: a new data key from the destination, same context. */
  private static EncryptionMaterials newMaterials(
      Decryptor reader, OpenedMessage opened, RewrapRequest request, long plaintextLength) {
    CommitmentPolicy policy = reader.commitmentPolicy();
    AlgorithmSuite suite = opened.header.suite();
    if (!policy.allowsEncrypt(suite)) {
      suite = policy.defaultSuite();
    }
    DecryptionMaterials source = opened.materials;
    Set<String> required = source.requiredContextKeys();
    EncryptionContext context =
        source.encryptionContext().removeKeys(Set.of(EncryptionContext.PUBLIC_KEY_FIELD));
    EncryptionMaterialsRequest.Builder builder =
        EncryptionMaterialsRequest.builder(context, policy).algorithmSuite(suite).requiredContextKeys(required);
    if (plaintextLength >= 0) {
      builder.maxPlaintextLength(plaintextLength);
    }
    EncryptionMaterials materials =
        new DefaultMaterialsManager(request.destination()).getEncryptionMaterials(builder.build());
    int edks = materials.encryptedDataKeys().size();
    if (materials.algorithmSuite() != suite || edks > reader.maxEncryptedDataKeys()) {
      materials.dataKey().ifPresent(DataKey::close);
      throw new PolicyViolationException(
          "the destination keyring produced " + edks + " encrypted data keys (at most "
              + reader.maxEncryptedDataKeys() + " allowed) for suite "
              + materials.algorithmSuite().idHex() + " (" + suite.idHex() + " requested)");
    }
    return materials;
  }

  /** Non-framed messages are re-encrypted framed, with the default frame size. */
  private static int frameLength(MessageHeader header) {
    return header.framed() ? header.frameLength() : Envelope.DEFAULT_FRAME_SIZE;
  }

  /** Lets the encrypting stream finish the message without closing the caller's stream. */
  private static final class KeepOpen extends FilterOutputStream {
    KeepOpen(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
