package dev.envelope.localkms;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The AWS KMS operations the local endpoint implements, named as in the {@code X-Amz-Target} header
 * ({@code TrentService.<apiName>}). Used to count calls and to target injected faults.
 */
public enum KmsOperation {
  CANCEL_KEY_DELETION("CancelKeyDeletion"),
  CREATE_ALIAS("CreateAlias"),
  CREATE_GRANT("CreateGrant"),
  CREATE_KEY("CreateKey"),
  DECRYPT("Decrypt"),
  DELETE_ALIAS("DeleteAlias"),
  DESCRIBE_KEY("DescribeKey"),
  DISABLE_KEY("DisableKey"),
  DISABLE_KEY_ROTATION("DisableKeyRotation"),
  ENABLE_KEY("EnableKey"),
  ENABLE_KEY_ROTATION("EnableKeyRotation"),
  ENCRYPT("Encrypt"),
  GENERATE_DATA_KEY("GenerateDataKey"),
  GENERATE_DATA_KEY_WITHOUT_PLAINTEXT("GenerateDataKeyWithoutPlaintext"),
  GENERATE_RANDOM("GenerateRandom"),
  GET_KEY_POLICY("GetKeyPolicy"),
  GET_KEY_ROTATION_STATUS("GetKeyRotationStatus"),
  LIST_ALIASES("ListAliases"),
  LIST_GRANTS("ListGrants"),
  LIST_KEYS("ListKeys"),
  PUT_KEY_POLICY("PutKeyPolicy"),
  RE_ENCRYPT("ReEncrypt"),
  REPLICATE_KEY("ReplicateKey"),
  RETIRE_GRANT("RetireGrant"),
  REVOKE_GRANT("RevokeGrant"),
  ROTATE_KEY_ON_DEMAND("RotateKeyOnDemand"),
  SCHEDULE_KEY_DELETION("ScheduleKeyDeletion"),
  UPDATE_ALIAS("UpdateAlias"),
  UPDATE_KEY_DESCRIPTION("UpdateKeyDescription");

  private static final Map<String, KmsOperation> BY_API_NAME =
      Stream.of(values())
          .collect(Collectors.toUnmodifiableMap(KmsOperation::apiName, Function.identity()));

  private final String apiName;

  KmsOperation(String apiName) {
    this.apiName = apiName;
  }

  /** The operation name as AWS spells it, e.g. {@code GenerateDataKey}. */
  public String apiName() {
    return apiName;
  }

  /** The IAM action that authorizes this operation, e.g. {@code kms:GenerateDataKey}. */
  public String action() {
    return "kms:" + apiName;
  }

  /** Looks up an operation by its API name (exact spelling, as in {@code X-Amz-Target}). */
  public static Optional<KmsOperation> fromApiName(String apiName) {
    return Optional.ofNullable(BY_API_NAME.get(apiName));
  }

  @Override
  public String toString() {
    return apiName + " (" + name().toLowerCase(Locale.ROOT) + ")";
  }
}
