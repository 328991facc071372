package dev.envelope.localkms.internal;

import dev.envelope.localkms.internal.KmsBackend.BackendKey;
import dev.envelope.localkms.internal.KmsBackend.BackendKeyState;
import dev.envelope.localkms.internal.KmsRegistry.KeyRecord;

/** A key as one Region sees it: the endpoint's record, the backend's key, and its ARN there. */
record RegionalKey(KeyRecord record, BackendKey backend, String region, String arn) {
  String keyId() {
    return record.keyId();
  }

  BackendKeyState state() {
    return backend.state();
  }
}
