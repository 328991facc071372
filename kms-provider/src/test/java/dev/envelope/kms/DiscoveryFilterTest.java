package dev.envelope.kms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DiscoveryFilterTest {
  @Test
  void accepts_matchingPartitionAndListedAccount_true() {
    DiscoveryFilter f = DiscoveryFilter.of("aws", "111122223333", "444455556666");
    assertTrue(f.accepts("aws", "111122223333"));
    assertTrue(f.accepts("aws", "444455556666"));
  }

  @Test
  void accepts_otherPartitionOrAccount_false() {
    DiscoveryFilter f = DiscoveryFilter.of("aws", "111122223333");
    assertFalse(f.accepts("aws-cn", "111122223333"));
    assertFalse(f.accepts("aws", "999999999999"));
  }

  @Test
  void of_noAccounts_throws() {
    assertThrows(IllegalArgumentException.class, () -> DiscoveryFilter.of("aws", List.of()));
  }

  @Test
  void of_emptyPartitionOrAccount_throws() {
    assertThrows(IllegalArgumentException.class, () -> DiscoveryFilter.of("", "111122223333"));
    assertThrows(IllegalArgumentException.class, () -> DiscoveryFilter.of("aws", ""));
    assertThrows(IllegalArgumentException.class, () -> DiscoveryFilter.of("aws", "1:2"));
  }

  @Test
  void of_duplicateAccounts_collapses() {
    DiscoveryFilter f = DiscoveryFilter.of("aws", "111122223333", "111122223333");
    assertEquals(Set.of("111122223333"), f.accountIds());
    assertEquals(DiscoveryFilter.of("aws", "111122223333"), f);
  }
}
