package dev.envelope;

import dev.envelope.internal.format.Engine;
import dev.envelope.internal.format.FrameCodec;
import dev.envelope.internal.format.MessageWriter;
import dev.envelope.internal.materials.MaterialsChecks;
import dev.envelope.internal.observe.Observation;
import java.io.OutputStream;
import java.util.Objects;

/**
 * The writing half of an {@link Envelope}: asks the materials manager for encryption materials,
 * checks them against the configured suite, commitment policy and cap on encrypted data keys, then
 * writes the message in memory or as a stream. Immutable and thread-safe.
 */
final class Encryptor {
  /** How new messages are laid out. */
  record Layout(AlgorithmSuite suite, boolean framed, int frameSize, int maxEncryptedDataKeys) {}

  private final MaterialsManager materialsManager;
  private final CommitmentPolicy commitmentPolicy;
  private final Engine engine;
  private final Layout layout;

  Encryptor(MaterialsManager materialsManager, CommitmentPolicy commitmentPolicy, Engine engine, Layout layout) {
    this.materialsManager = materialsManager;
    this.commitmentPolicy = commitmentPolicy;
    this.engine = engine;
    this.layout = layout;
  }

  /** See {@link Envelope#encrypt}. */
  byte[] encrypt(byte[] plaintext, EncryptionContext context) {
    Objects.requireNonNull(plaintext, "plaintext");
    EncryptionMaterials materials = encryptionMaterials(context, plaintext.length);
    try {
      if (layout.framed()) {
        checkFrameCount(plaintext.length);
      }
      return MessageWriter.encrypt(materials, plaintext, layout.framed(), layout.frameSize(), engine);
    } finally {
      materials.dataKey().ifPresent(DataKey::close);
    }
  }

  /** See {@link Envelope#encryptingStream(OutputStream, EncryptionContext, long)}. */
  OutputStream encryptingStream(OutputStream out, EncryptionContext context, long maxPlaintextLength) {
    Objects.requireNonNull(out, "out");
    if (!layout.framed()) {
      throw new IllegalStateException(
          "non-framed messages need their length up front; encrypt them with encrypt(byte[], ...)"
              + " or use framing for streams");
    }
    if (maxPlaintextLength < -1) {
      throw new IllegalArgumentException("maxPlaintextLength cannot be negative: " + maxPlaintextLength);
    }
    EncryptionMaterials materials = encryptionMaterials(context, maxPlaintextLength);
    try {
      return MessageWriter.stream(materials, out, layout.frameSize(), maxPlaintextLength, engine);
    } finally {
      materials.dataKey().ifPresent(DataKey::close);
    }
  }

  private void checkFrameCount(long length) {
    if (FrameCodec.regularFrames(length, layout.frameSize()) + 1 > FrameCodec.MAX_FRAMES) {
      throw new IllegalArgumentException(
          "a plaintext of " + length + " bytes needs more than 2^32 - 1 frames of " + layout.frameSize()
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
    AlgorithmSuite suite = layout.suite();
    EncryptionMaterialsRequest.Builder request = EncryptionMaterialsRequest.builder(context, commitmentPolicy);
    if (suite != null) {
      request.algorithmSuite(suite);
    }
    if (plaintextLength >= 0) {
      request.maxPlaintextLength(plaintextLength);
    }
    EncryptionMaterials materials = materialsManager.getEncryptionMaterials(request.build());
    try {
      MaterialsChecks.checkEncryption(materials, suite, commitmentPolicy, layout.maxEncryptedDataKeys());
      Observation.noteMaterials(materials);
      return materials;
    } catch (RuntimeException e) {
      materials.dataKey().ifPresent(DataKey::close);
      throw e;
    }
  }
}
