package dev.envelope.kms.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Identifier parsing and multi-Region key rules of keyrings.md §6.1. */
class KmsIdentifierTest {
  private static final String KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  private static final String MRK_EAST = "arn:aws:kms:us-east-1:111122223333:key/mrk-80bd8ecdcd4342aebd84b7dc9da498a7";
  private static final String MRK_WEST = "arn:aws:kms:us-west-2:111122223333:key/mrk-80bd8ecdcd4342aebd84b7dc9da498a7";

  @Test
  void parseArn_keyArn_exposesEveryPart() {
    KmsIdentifier id = KmsIdentifier.parseArn(KEY).orElseThrow();
    assertEquals(KmsIdentifier.Kind.KEY_ARN, id.kind());
    assertEquals(Optional.of("aws"), id.partition());
    assertEquals(Optional.of("us-east-1"), id.region());
    assertEquals(Optional.of("111122223333"), id.account());
    assertEquals("1234abcd-12ab-34cd-56ef-1234567890ab", id.resourceId());
    assertTrue(id.isKeyArn());
    assertFalse(id.isAlias());
    assertFalse(id.isMultiRegionKey());
  }

  @Test
  void parseArn_resourceWithSeveralSlashes_splitsAtFirst() {
    KmsIdentifier id = KmsIdentifier.parseArn("arn:aws:kms:us-east-1:111122223333:alias/team/app").orElseThrow();
    assertEquals(KmsIdentifier.Kind.ALIAS_ARN, id.kind());
    assertEquals("team/app", id.resourceId());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "arn", "arn:aws:kms:us-east-1:111122223333",
      "arn::kms:us-east-1:111122223333:key/abc",          // empty partition
      "arn:aws:s3:us-east-1:111122223333:key/abc",        // not kms
      "arn:aws:kms::111122223333:key/abc",                // empty region
      "arn:aws:kms:us-east-1::key/abc",                   // empty account
      "arn:aws:kms:us-east-1:111122223333:key",           // no '/'
      "arn:aws:kms:us-east-1:111122223333:key/",          // empty id
      "arn:aws:kms:us-east-1:111122223333:grant/abc",     // wrong type
      "arn:aws:kms:us-east-1:111122223333:key/abc:extra", // 7 parts
      "aws:kms:us-east-1:111122223333:key/abc:x",         // no arn prefix
      "ARN:aws:kms:us-east-1:111122223333:key/abc"})
  void parseArn_invalid_isEmpty(String text) {
    assertTrue(KmsIdentifier.parseArn(text).isEmpty(), text);
  }

  @Test
  void parse_invalidArn_throwsNamingValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KmsIdentifier.parse("arn:aws:kms:us-east-1:111122223333:key/"));
    assertTrue(e.getMessage().contains("arn:aws:kms:us-east-1:111122223333:key/"), e.getMessage());
  }

  @Test
  void parse_aliasNameAndBareId_haveNoRegion() {
    KmsIdentifier alias = KmsIdentifier.parse("alias/app");
    KmsIdentifier bare = KmsIdentifier.parse("1234abcd-12ab-34cd-56ef-1234567890ab");
    assertEquals(KmsIdentifier.Kind.ALIAS_NAME, alias.kind());
    assertEquals(KmsIdentifier.Kind.KEY_ID, bare.kind());
    assertTrue(alias.region().isEmpty());
    assertTrue(bare.region().isEmpty());
    assertTrue(alias.isAlias());
    assertFalse(bare.isArn());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "alias/", "key id", "foo/bar", "a:b", "tab\tid"})
  void parse_invalidIdentifier_throws(String text) {
    assertThrows(IllegalArgumentException.class, () -> KmsIdentifier.parse(text));
  }

  @Test
  void parse_longerThanKmsLimit_throws() {
    assertThrows(IllegalArgumentException.class, () -> KmsIdentifier.parse("a".repeat(2049)));
  }

  @ParameterizedTest
  @CsvSource({
      "arn:aws:kms:us-east-1:111122223333:key/mrk-abc, true",
      "mrk-abc, true",
      "arn:aws:kms:us-east-1:111122223333:key/abc, false",
      "arn:aws:kms:us-east-1:111122223333:alias/mrk-abc, false",
      "alias/mrk-abc, false",
      "abc, false"})
  void isMultiRegionKey_followsSpec(String id, boolean mrk) {
    assertEquals(mrk, KmsIdentifier.parse(id).isMultiRegionKey());
  }

  @ParameterizedTest
  @CsvSource({
      // identical strings always match
      KEY + "," + KEY + ", true",
      "alias/a, alias/a, true",
      // replicas of one MRK in two regions
      MRK_EAST + "," + MRK_WEST + ", true",
      // a regional key is not an MRK: region matters
      KEY + ", arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab, false",
      // other account, partition or id
      MRK_EAST + ", arn:aws:kms:us-west-2:444455556666:key/mrk-80bd8ecdcd4342aebd84b7dc9da498a7, false",
      MRK_EAST + ", arn:aws-cn:kms:us-west-2:111122223333:key/mrk-80bd8ecdcd4342aebd84b7dc9da498a7, false",
      MRK_EAST + ", arn:aws:kms:us-west-2:111122223333:key/mrk-other, false",
      // a bare mrk id only matches itself
      "mrk-80bd8ecdcd4342aebd84b7dc9da498a7," + MRK_WEST + ", false",
      // alias ARNs are never MRKs
      "arn:aws:kms:us-east-1:111122223333:alias/mrk-x, arn:aws:kms:us-west-2:111122223333:alias/mrk-x, false"})
  void mrkMatch_followsSpec(String configured, String recorded, boolean match) {
    KmsIdentifier a = KmsIdentifier.parse(configured);
    KmsIdentifier b = KmsIdentifier.parse(recorded);
    assertEquals(match, KmsIdentifier.mrkMatch(a, b));
    assertEquals(match, KmsIdentifier.mrkMatch(b, a));
  }

  @Test
  void withRegion_mrkArn_replacesOnlyRegion() {
    KmsIdentifier west = KmsIdentifier.parse(MRK_EAST).withRegion("us-west-2");
    assertEquals(MRK_WEST, west.value());
    assertEquals(Optional.of("us-west-2"), west.region());
    assertThrows(IllegalStateException.class, () -> KmsIdentifier.parse("mrk-abc").withRegion("us-west-2"));
  }

  @Test
  void checkMrkUniqueness_replicasOfOneKey_throwsListingAll() {
    List<KmsIdentifier> ids = List.of(
        KmsIdentifier.parse(MRK_EAST), KmsIdentifier.parse(KEY), KmsIdentifier.parse(MRK_WEST),
        KmsIdentifier.parse("mrk-other"),
        KmsIdentifier.parse("arn:aws:kms:eu-west-1:111122223333:key/mrk-other"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KmsIdentifier.checkMrkUniqueness(ids));
    assertTrue(e.getMessage().contains(MRK_EAST) && e.getMessage().contains(MRK_WEST), e.getMessage());
    assertTrue(e.getMessage().contains("mrk-other [mrk-other, arn:aws:kms:eu-west-1"), e.getMessage());
  }

  @Test
  void checkMrkUniqueness_distinctKeysAndRegionalDuplicates_passes() {
    KmsIdentifier.checkMrkUniqueness(List.of(
        KmsIdentifier.parse(MRK_EAST), KmsIdentifier.parse(KEY),
        KmsIdentifier.parse("arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
        KmsIdentifier.parse("arn:aws:kms:us-west-2:111122223333:alias/mrk-80bd8ecdcd4342aebd84b7dc9da498a7")));
  }
}
