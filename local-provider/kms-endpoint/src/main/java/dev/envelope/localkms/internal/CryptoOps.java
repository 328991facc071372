package dev.envelope.localkms.internal;

import static dev.envelope.localkms.internal.GrantTokens.grantTokens;
import static dev.envelope.localkms.internal.KeyResolver.requireUsable;
import static dev.envelope.localkms.internal.Responses.keyMaterialId;

import com.google.gson.JsonObject;
import dev.envelope.EncryptionContext;
import dev.envelope.localkms.internal.KmsRegistry.KeyRecord;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The cryptographic operations: GenerateDataKey(WithoutPlaintext), Encrypt, Decrypt, ReEncrypt
 * and GenerateRandom, with the ciphertext blob and the encryption context rules of KMS.
 */
final class CryptoOps extends OperationFamily {
  private static final int MAX_PLAINTEXT = 4096;
  private static final List<String> ENCRYPTION_ALGORITHMS =
      List.of(SYMMETRIC_DEFAULT, "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE");

  private final KmsBackend backend;
  private final KmsRegistry registry;
  private final Arns arns;
  private final SecureRandom random;

  CryptoOps(KmsContext ctx, KeyResolver keys) {
    super(ctx, keys);
    this.backend = ctx.backend();
    this.registry = ctx.registry();
    this.arns = ctx.arns();
    this.random = ctx.random();
  }

  JsonObject generateDataKey(Caller c, Json r, boolean withPlaintext) {
    String keyId = r.requiredString("KeyId", 1, MAX_KEY_ID);
    Map<String, String> context = r.stringMap("EncryptionContext");
    EncryptionContext ec = encryptionContext(context);
    Integer numberOfBytes = r.integer("NumberOfBytes", 1, 1024);
    String keySpec = r.enumValue("KeySpec", List.of("AES_256", "AES_128"));
    Set<String> tokens = grantTokens(r);
    boolean dryRun = r.bool("DryRun");
    if (r.has("Recipient")) {
      throw KmsException.unsupported(
          "Recipient (attested Nitro Enclaves requests) is not supported by this local endpoint.");
    }
    if ((numberOfBytes == null) == (keySpec == null)) {
      throw KmsException.validation("Please specify either number of bytes or key spec.");
    }
    int length = numberOfBytes != null ? numberOfBytes : keySpec.equals("AES_256") ? 32 : 16;
    RegionalKey k = resolve(c, keyId, true);
    String action = withPlaintext ? "kms:GenerateDataKey" : "kms:GenerateDataKeyWithoutPlaintext";
    authorize(c, k, action, context, tokens, null);
    requireUsable(k);
    dryRun(dryRun);
    KmsBackend.Generated generated =
        backendCall(
            c, action, () -> backend.generateDataKey(k.keyId(), length, ec, c.principalArn()));
    byte[] plaintext = generated.plaintext();
    try {
      JsonObject out = new JsonObject();
      out.addProperty(
          "CiphertextBlob", Json.base64(CiphertextBlob.encode(k.keyId(), generated.payload())));
      if (withPlaintext) {
        out.addProperty("Plaintext", Json.base64(plaintext));
      }
      out.addProperty("KeyId", k.arn());
      out.addProperty("KeyMaterialId", keyMaterialId(k.keyId(), generated.version()));
      return out;
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  JsonObject encrypt(Caller c, Json r) {
    String keyId = r.requiredString("KeyId", 1, MAX_KEY_ID);
    byte[] plaintext = r.requiredBlob("Plaintext", 1, MAX_PLAINTEXT);
    try {
      Map<String, String> context = r.stringMap("EncryptionContext");
      EncryptionContext ec = encryptionContext(context);
      Set<String> tokens = grantTokens(r);
      String algorithm = encryptionAlgorithm(r, "EncryptionAlgorithm");
      boolean dryRun = r.bool("DryRun");
      RegionalKey k = resolve(c, keyId, true);
      authorize(c, k, "kms:Encrypt", context, tokens, algorithm);
      requireUsable(k);
      requireSymmetric(algorithm);
      dryRun(dryRun);
      KmsBackend.Sealed sealed =
          backendCall(
              c, "kms:Encrypt", () -> backend.encrypt(k.keyId(), plaintext, ec, c.principalArn()));
      JsonObject out = new JsonObject();
      out.addProperty(
          "CiphertextBlob", Json.base64(CiphertextBlob.encode(k.keyId(), sealed.payload())));
      out.addProperty("KeyId", k.arn());
      out.addProperty("EncryptionAlgorithm", SYMMETRIC_DEFAULT);
      return out;
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  JsonObject decrypt(Caller c, Json r) {
    byte[] blobBytes = r.requiredBlob("CiphertextBlob", 1, CiphertextBlob.MAX_BLOB);
    Map<String, String> context = r.stringMap("EncryptionContext");
    EncryptionContext ec = encryptionContext(context);
    Set<String> tokens = grantTokens(r);
    String keyId = r.optionalString("KeyId", 1, MAX_KEY_ID);
    String algorithm = encryptionAlgorithm(r, "EncryptionAlgorithm");
    boolean dryRun = r.bool("DryRun");
    if (r.has("Recipient")) {
      throw KmsException.unsupported(
          "Recipient (attested Nitro Enclaves requests) is not supported by this local endpoint.");
    }
    RegionalKey named = keyId == null ? null : resolve(c, keyId, true);
    CiphertextBlob blob = CiphertextBlob.decode(blobBytes);
    RegionalKey k = keyOfBlob(c, blob);
    if (named != null && !named.keyId().equals(k.keyId())) {
      throw new KmsException(
          "IncorrectKeyException",
          "The key ID in the request does not identify a CMK that can perform this operation.");
    }
    authorize(c, k, "kms:Decrypt", context, tokens, algorithm);
    requireUsable(k);
    requireSymmetric(algorithm);
    dryRun(dryRun);
    KmsBackend.Opened opened =
        backendCall(
            c,
            "kms:Decrypt",
            () -> backend.decrypt(k.keyId(), blob.payload(), ec, c.principalArn()));
    byte[] plaintext = opened.plaintext();
    try {
      JsonObject out = new JsonObject();
      out.addProperty("KeyId", k.arn());
      out.addProperty("Plaintext", Json.base64(plaintext));
      out.addProperty("EncryptionAlgorithm", SYMMETRIC_DEFAULT);
      out.addProperty("KeyMaterialId", keyMaterialId(k.keyId(), opened.version()));
      return out;
    } finally {
      Arrays.fill(plaintext, (byte) 0);
    }
  }

  JsonObject reEncrypt(Caller c, Json r) {
    byte[] blobBytes = r.requiredBlob("CiphertextBlob", 1, CiphertextBlob.MAX_BLOB);
    Map<String, String> sourceContext = r.stringMap("SourceEncryptionContext");
    EncryptionContext sourceEc = encryptionContext(sourceContext);
    String sourceKeyId = r.optionalString("SourceKeyId", 1, MAX_KEY_ID);
    String destinationKeyId = r.requiredString("DestinationKeyId", 1, MAX_KEY_ID);
    Map<String, String> destinationContext = r.stringMap("DestinationEncryptionContext");
    EncryptionContext destinationEc = encryptionContext(destinationContext);
    String sourceAlgorithm = encryptionAlgorithm(r, "SourceEncryptionAlgorithm");
    String destinationAlgorithm = encryptionAlgorithm(r, "DestinationEncryptionAlgorithm");
    Set<String> tokens = grantTokens(r);
    boolean dryRun = r.bool("DryRun");
    RegionalKey named = sourceKeyId == null ? null : resolve(c, sourceKeyId, true);
    RegionalKey destination = resolve(c, destinationKeyId, true);
    CiphertextBlob blob = CiphertextBlob.decode(blobBytes);
    RegionalKey source = keyOfBlob(c, blob);
    if (named != null && !named.keyId().equals(source.keyId())) {
      throw new KmsException(
          "IncorrectKeyException",
          "The key ID in the request does not identify a CMK that can perform this operation.");
    }
    authorize(c, source, "kms:ReEncryptFrom", sourceContext, tokens, sourceAlgorithm);
    authorize(c, destination, "kms:ReEncryptTo", destinationContext, tokens, destinationAlgorithm);
    requireUsable(source);
    requireUsable(destination);
    requireSymmetric(sourceAlgorithm);
    requireSymmetric(destinationAlgorithm);
    dryRun(dryRun);
    KmsBackend.Resealed resealed =
        backendCall(
            c,
            "kms:ReEncrypt*",
            () ->
                backend.reEncrypt(
                    source.keyId(),
                    blob.payload(),
                    sourceEc,
                    destination.keyId(),
                    destinationEc,
                    c.principalArn()));
    JsonObject out = new JsonObject();
    out.addProperty(
        "CiphertextBlob",
        Json.base64(CiphertextBlob.encode(destination.keyId(), resealed.payload())));
    out.addProperty("SourceKeyId", source.arn());
    out.addProperty("KeyId", destination.arn());
    out.addProperty("SourceEncryptionAlgorithm", SYMMETRIC_DEFAULT);
    out.addProperty("DestinationEncryptionAlgorithm", SYMMETRIC_DEFAULT);
    out.addProperty(
        "SourceKeyMaterialId", keyMaterialId(source.keyId(), resealed.sourceVersion()));
    out.addProperty(
        "DestinationKeyMaterialId",
        keyMaterialId(destination.keyId(), resealed.destinationVersion()));
    return out;
  }

  JsonObject generateRandom(Json r) {
    Integer n = r.integer("NumberOfBytes", 1, 1024);
    if (n == null) {
      throw KmsException.constraint(null, "numberOfBytes", "Member must not be null");
    }
    if (r.has("CustomKeyStoreId") || r.has("Recipient")) {
      throw KmsException.unsupported(
          "CustomKeyStoreId and Recipient are not supported by this local endpoint.");
    }
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    JsonObject out = new JsonObject();
    out.addProperty("Plaintext", Json.base64(bytes));
    return out;
  }

  /** The key a blob names, as seen from the caller's Region. */
  private RegionalKey keyOfBlob(Caller c, CiphertextBlob blob) {
    KeyRecord rec = registry.keys.get(blob.keyId());
    if (rec == null || backend.find(blob.keyId()).isEmpty()) {
      throw KmsException.keyNotFound(arns.keyArn(c.region(), blob.keyId()));
    }
    if (!rec.existsIn(c.region())) {
      // A key of another Region: this Region cannot interpret the blob, as in KMS.
      throw KmsException.invalidCiphertext();
    }
    return keyInRegion(blob.keyId(), c.region()).orElseThrow(KmsException::invalidCiphertext);
  }

  /**
   * The request's encryption context as the backend binds it: keys and values must be non-empty
   * (KMS answers "Invalid EncryptionContext" too) and well-formed Unicode, the encoding at most
   * 65535 bytes.
   */
  private static EncryptionContext encryptionContext(Map<String, String> pairs) {
    try {
      EncryptionContext context = EncryptionContext.from(pairs);
      context.canonicalLength(); // throws if the encoding is over 65535 bytes
      return context;
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw KmsException.validation(
          "Invalid EncryptionContext: keys and values must be non-empty, well-formed Unicode"
              + " strings, at most 65535 bytes together.");
    }
  }

  private static String encryptionAlgorithm(Json r, String field) {
    return r.enumValue(field, ENCRYPTION_ALGORITHMS);
  }

  private static void requireSymmetric(String algorithm) {
    if (algorithm != null && !algorithm.equals(SYMMETRIC_DEFAULT)) {
      throw new KmsException(
          "InvalidKeyUsageException",
          "You cannot use the encryption algorithm "
              + algorithm
              + " with a symmetric encryption KMS key. Use SYMMETRIC_DEFAULT.");
    }
  }
}
