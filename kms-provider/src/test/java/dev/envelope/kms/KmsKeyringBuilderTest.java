package dev.envelope.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/** Configuration errors are caught when the keyring is built, with a message that says what to fix. */
class KmsKeyringBuilderTest {
  private static final String EAST = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  private static final String WEST = "arn:aws:kms:us-west-2:111122223333:key/abcd1234-12ab-34cd-56ef-1234567890ab";
  private static final String MRK_EAST = "arn:aws:kms:us-east-1:111122223333:key/mrk-1";
  private static final String MRK_WEST = "arn:aws:kms:us-west-2:111122223333:key/mrk-1";
  private static final KmsClient EAST_CLIENT = KmsClient.builder().region(Region.US_EAST_1)
      .httpClientBuilder(UrlConnectionHttpClient.builder()).build();

  @AfterAll
  static void close() {
    EAST_CLIENT.close();
  }

  @Test
  void build_noKeys_throws() {
    assertThrows(IllegalStateException.class, () -> KmsKeyring.builder().build());
  }

  @Test
  void build_clientAndSupplier_throws() {
    assertThrows(IllegalStateException.class, () -> KmsKeyring.builder().generatorKey(EAST)
        .kmsClient(EAST_CLIENT).clientSupplier(KmsClientSupplier.defaultSupplier()).build());
  }

  @Test
  void build_aliasNameWithoutClient_throwsSayingRegionIsNeverGuessed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KmsKeyring.builder().generatorKey("alias/app").build());
    assertTrue(e.getMessage().contains("never guesses"), e.getMessage());
  }

  @Test
  void build_aliasNameWithClient_succeeds() {
    KmsKeyring k = KmsKeyring.builder().generatorKey("alias/app").kmsClient(EAST_CLIENT).build();
    assertEquals("alias/app", k.generatorKey().orElseThrow());
  }

  @Test
  void build_keyOutsideClientRegion_throwsNamingBoth() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KmsKeyring.builder().generatorKey(EAST).additionalKeys(WEST).kmsClient(EAST_CLIENT).build());
    assertTrue(e.getMessage().contains("us-west-2") && e.getMessage().contains("us-east-1"), e.getMessage());
  }

  @Test
  void build_sameKeyTwice_throws() {
    assertThrows(IllegalArgumentException.class,
        () -> KmsKeyring.builder().generatorKey(EAST).additionalKeys(EAST).build());
  }

  @Test
  void build_mrkReplicasInMrkAwareKeyring_throws() {
    assertThrows(IllegalArgumentException.class, () -> KmsKeyring.builder()
        .generatorKey(MRK_EAST).additionalKeys(MRK_WEST).multiRegionAware(true).build());
  }

  @Test
  void build_mrkReplicasInStrictKeyring_succeeds() {
    KmsKeyring k = KmsKeyring.builder().generatorKey(MRK_EAST).additionalKeys(MRK_WEST).build();
    assertEquals(List.of(MRK_WEST), k.additionalKeys());
  }

  @Test
  void grantTokens_moreThanTen_throws() {
    assertThrows(IllegalArgumentException.class,
        () -> KmsKeyring.builder().grantTokens(Collections.nCopies(11, "t")));
  }

  @Test
  void settersCalledTwice_throw() {
    assertThrows(IllegalStateException.class, () -> KmsKeyring.builder().generatorKey(EAST).generatorKey(WEST));
    assertThrows(IllegalStateException.class,
        () -> KmsKeyring.builder().callTimeout(Duration.ofSeconds(1)).callTimeout(Duration.ofSeconds(2)));
    assertThrows(IllegalStateException.class,
        () -> KmsKeyring.builder().multiRegionAware(true).multiRegionAware(false));
  }

  @Test
  void callTimeout_notPositive_throws() {
    assertThrows(IllegalArgumentException.class, () -> KmsKeyring.builder().callTimeout(Duration.ZERO));
  }

  @Test
  void discoveryBuild_mrkAwareWithoutRegion_throws() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> KmsDiscoveryKeyring.builder().multiRegionAware(true).build());
    assertTrue(e.getMessage().contains("regions("), e.getMessage());
  }

  @Test
  void discoveryBuild_regionsWithClient_throws() {
    assertThrows(IllegalStateException.class,
        () -> KmsDiscoveryKeyring.builder().kmsClient(EAST_CLIENT).regions("us-east-1").build());
  }

  @Test
  void discoveryOnEncrypt_throws() {
    KmsDiscoveryKeyring k = KmsDiscoveryKeyring.builder().kmsClient(EAST_CLIENT).build();
    assertThrows(IllegalStateException.class, () -> k.onEncrypt(null));
  }
}
