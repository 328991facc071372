package dev.envelope;

import dev.envelope.internal.format.DecryptingInput;
import dev.envelope.internal.format.Engine;
import dev.envelope.internal.format.FrameCodec;
import dev.envelope.internal.format.HeaderCodec;
import dev.envelope.internal.format.MessageHeader;
import dev.envelope.internal.format.MessageInput;
import dev.envelope.internal.format.MessageReader;
import dev.envelope.internal.materials.ContextExpectation;
import dev.envelope.internal.materials.MaterialsChecks;
import dev.envelope.internal.observe.Observation;
import java.io.InputStream;
import java.util.List;
import java.util.Objects;

/**
 * The reading half of an {@link Envelope}: parses a header under the configured caps, runs every
 * check before the body (expected context, commitment policy, the materials manager's answer, key
 * commitment, header tag), then decrypts or streams the body. Rewrap and random access reuse the
 * same checks through {@link #openHeader}. Immutable and thread-safe.
 */
final class Decryptor {
  /** The caps on what a message read may ask for, all checked before the work they bound. */
  record Limits(int maxEncryptedDataKeys, int maxFrameLength, int maxContextPairs, int maxHeaderLength) {}

  private final MaterialsManager materialsManager;
  private final CommitmentPolicy commitmentPolicy;
  private final Engine engine;
  private final Limits limits;
  private final StreamSignaturePolicy streamSignaturePolicy;

  Decryptor(
      MaterialsManager materialsManager,
      CommitmentPolicy commitmentPolicy,
      Engine engine,
      Limits limits,
      StreamSignaturePolicy streamSignaturePolicy) {
    this.materialsManager = materialsManager;
    this.commitmentPolicy = commitmentPolicy;
    this.engine = engine;
    this.limits = limits;
    this.streamSignaturePolicy = streamSignaturePolicy;
  }

  /** See {@link Envelope#decrypt}. */
  Decrypted decrypt(byte[] message, EncryptionContext expected) {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(expected, "expected");
    MessageInput.ArrayInput in = MessageInput.of(message, 0, message.length);
    MessageHeader header = parseHeader(in);
    List<String> requiredOnly = ContextExpectation.check(header.storedContext(), expected);
    DecryptionMaterials materials = null;
    try {
      FrameCodec codec;
      try {
        materials = decryptionMaterials(header, expected);
        codec = MessageReader.open(header, materials, engine);
      } catch (AuthenticationFailedException | NoMatchingKeyException e) {
        // Only a failure up to the header check can be caused by the expected context; once the
        // header verified with it, a bad frame or signature is plain tampering (as in a stream).
        throw ContextExpectation.explain(e, requiredOnly);
      }
      byte[] plaintext = MessageReader.decryptBody(header, codec, materials, in);
      return new Decrypted(plaintext, materials.encryptionContext(), header.suite());
    } finally {
      closeDataKey(materials);
    }
  }

  /** See {@link Envelope#decryptingStream}. */
  DecryptingStream decryptingStream(InputStream in, EncryptionContext expected) {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(expected, "expected");
    MessageInput.StreamInput input = MessageInput.of(in);
    MessageHeader header = parseHeader(input);
    if (header.frameLength() > limits.maxFrameLength()) {
      throw new PolicyViolationException(
          "the message's frames are " + header.frameLength() + " bytes, more than the "
              + limits.maxFrameLength() + " a decrypting stream may hold in memory; raise limits.maxFrameLength()"
              + " if you trust the sender, or decrypt the message in memory");
    }
    if (header.suite().isSigned() && streamSignaturePolicy.mode() == StreamSignaturePolicy.Mode.UNSIGNED_ONLY) {
      throw new PolicyViolationException(
          "the message is signed (suite " + header.suite().idHex() + "), and the Envelope's stream"
              + " signature policy is unsignedOnly(); decrypt it with another policy");
    }
    List<String> requiredOnly = ContextExpectation.check(header.storedContext(), expected);
    DecryptionMaterials materials = null;
    try {
      materials = decryptionMaterials(header, expected);
      DecryptingInput body = MessageReader.stream(
          header, materials, input, limits.maxFrameLength(), streamSignaturePolicy.maxHeldPlaintext(), engine);
      return new DecryptingStream(body, materials.encryptionContext(), header.suite());
    } catch (AuthenticationFailedException | NoMatchingKeyException e) {
      throw ContextExpectation.explain(e, requiredOnly);
    } finally {
      closeDataKey(materials);
    }
  }

  CommitmentPolicy commitmentPolicy() {
    return commitmentPolicy;
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
      MaterialsChecks.checkDecryption(materials, messageSuite, commitmentPolicy);
      DecryptionContextCheck.check(header.storedContext(), expected, materials);
      Observation.noteContext(materials.encryptionContext());
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

  /** Every check {@link Envelope#decrypt} makes before the body; the caller closes the result. */
  OpenedMessage openHeader(MessageHeader header, EncryptionContext expected) {
    List<String> requiredOnly = ContextExpectation.check(header.storedContext(), expected);
    DecryptionMaterials materials = null;
    try {
      materials = decryptionMaterials(header, expected);
      return new OpenedMessage(header, materials, MessageReader.open(header, materials, engine));
    } catch (AuthenticationFailedException | NoMatchingKeyException e) {
      closeDataKey(materials);
      throw ContextExpectation.explain(e, requiredOnly);
    } catch (RuntimeException e) {
      closeDataKey(materials);
      throw e;
    }
  }

  /** Parses a header under the configured caps (encrypted data keys, context pairs, length). */
  MessageHeader parseHeader(MessageInput in) {
    MessageHeader header =
        HeaderCodec.parse(in, limits.maxEncryptedDataKeys(), limits.maxContextPairs(), limits.maxHeaderLength());
    Observation.noteHeader(header);
    return header;
  }

  Engine engine() {
    return engine;
  }

  int maxEncryptedDataKeys() {
    return limits.maxEncryptedDataKeys();
  }

  int maxFrameLength() {
    return limits.maxFrameLength();
  }

}
