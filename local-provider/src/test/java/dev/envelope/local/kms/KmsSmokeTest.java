package dev.envelope.local.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.model.DataKeySpec;

@ExtendWith(LocalKmsExtension.class)
class KmsSmokeTest {
  @Test
  void generateThenDecrypt_roundTrips(LocalKms kms) {
    String arn = kms.createKey();
    var gdk = kms.client().generateDataKey(r -> r.keyId(arn).keySpec(DataKeySpec.AES_256));
    var dec = kms.client().decrypt(r -> r.ciphertextBlob(gdk.ciphertextBlob()));
    assertEquals(gdk.plaintext(), dec.plaintext());
    assertEquals(arn, dec.keyId());
    SdkBytes b = gdk.plaintext();
    assertEquals(32, b.asByteArray().length);
  }
}
