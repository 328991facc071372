package dev.envelope.cache;

import static dev.envelope.cache.CacheFixtures.aes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.envelope.materials.DefaultMaterialsManager;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CachingMaterialsManagerBuilderTest {
  private static CachingMaterialsManager.Builder valid() {
    return CachingMaterialsManager.builder().keyring(aes("ns", "k")).maxAge(Duration.ofMinutes(1));
  }

  @Test
  void build_withoutMaxAge_throwsIllegalState() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> CachingMaterialsManager.builder().keyring(aes("ns", "k")).build());
    assertTrue(e.getMessage().contains("maxAge"), e.getMessage());
  }

  @Test
  void build_withoutKeyringOrManager_throwsIllegalState() {
    assertThrows(
        IllegalStateException.class,
        () -> CachingMaterialsManager.builder().maxAge(Duration.ofSeconds(1)).build());
  }

  @Test
  void keyringAndManager_bothGiven_throwsIllegalState() {
    CachingMaterialsManager.Builder b = CachingMaterialsManager.builder().keyring(aes("ns", "k"));
    assertThrows(
        IllegalStateException.class,
        () -> b.materialsManager(new DefaultMaterialsManager(aes("ns", "k"))));
  }

  @Test
  void maxAge_zeroOrNegative_throwsIllegalArgument() {
    assertThrows(
        IllegalArgumentException.class, () -> CachingMaterialsManager.builder().maxAge(Duration.ZERO));
    assertThrows(
        IllegalArgumentException.class,
        () -> CachingMaterialsManager.builder().maxAge(Duration.ofNanos(-1)));
  }

  @Test
  void messageUseLimit_outOfRange_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> valid().messageUseLimit(0));
    assertThrows(IllegalArgumentException.class, () -> valid().messageUseLimit((1L << 32) + 1));
    valid().messageUseLimit(1L << 32).build();
    valid().messageUseLimit(1).build();
  }

  @Test
  void byteUseLimitAndCapacity_notPositive_throwIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> valid().byteUseLimit(0));
    assertThrows(IllegalArgumentException.class, () -> valid().byteUseLimit(-5));
    assertThrows(IllegalArgumentException.class, () -> valid().capacity(0));
  }

  @Test
  void partitionId_empty_throwsIllegalArgument() {
    assertThrows(IllegalArgumentException.class, () -> valid().partitionId(""));
  }

  @Test
  void options_setTwice_throwIllegalState() {
    assertThrows(IllegalStateException.class, () -> valid().maxAge(Duration.ofSeconds(2)));
    assertThrows(IllegalStateException.class, () -> valid().messageUseLimit(2).messageUseLimit(3));
    assertThrows(IllegalStateException.class, () -> valid().byteUseLimit(2).byteUseLimit(3));
    assertThrows(IllegalStateException.class, () -> valid().capacity(2).capacity(3));
    assertThrows(IllegalStateException.class, () -> valid().partitionId("a").partitionId("b"));
    assertThrows(
        IllegalStateException.class, () -> valid().ticker(System::nanoTime).ticker(System::nanoTime));
  }

  @Test
  void partitionId_default_uniquePerInstance() {
    CachingMaterialsManager.Builder b = valid();
    CachingMaterialsManager first = b.build();
    CachingMaterialsManager second = b.build();
    assertNotEquals(first.partitionId(), second.partitionId());
    assertEquals("tenant-cache", valid().partitionId("tenant-cache").build().partitionId());
  }

  @Test
  void stats_fresh_allZero() {
    CacheStats stats = valid().build().stats();
    assertEquals(0, stats.hitCount() + stats.missCount() + stats.bypassCount() + stats.evictionCount());
    assertEquals(0, stats.entryCount());
  }
}
