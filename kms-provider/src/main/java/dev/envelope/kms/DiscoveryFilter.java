package dev.envelope.kms;

import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Limits a discovery keyring to KMS keys of given AWS accounts in one partition (spec:
 * keyrings.md §6.3). An encrypted data key whose key ARN is in another partition, or owned by an
 * account not listed, is never sent to KMS.
 *
 * <p>Use one whenever you can: without it, a discovery keyring asks KMS to decrypt with any key a
 * message names, in any account your credentials can reach.
 *
 * <p>Immutable value; equal when partition and accounts are equal.
 */
public final class DiscoveryFilter {
  private final String partition;
  private final Set<String> accountIds;

  private DiscoveryFilter(String partition, Set<String> accountIds) {
    this.partition = partition;
    this.accountIds = accountIds;
  }

  /**
   * A filter for {@code partition} (e.g. {@code aws}, {@code aws-us-gov}, {@code aws-cn}) and at
   * least one account id.
   *
   * @throws IllegalArgumentException if the partition or an account id is empty or contains ':',
   *     or no account is given
   */
  public static DiscoveryFilter of(String partition, Collection<String> accountIds) {
    Objects.requireNonNull(partition, "partition");
    Objects.requireNonNull(accountIds, "accountIds");
    if (partition.isEmpty() || partition.contains(":")) {
      throw new IllegalArgumentException(
          "discovery filter partition must be non-empty and contain no ':': '" + partition + "'");
    }
    if (accountIds.isEmpty()) {
      throw new IllegalArgumentException(
          "a discovery filter needs at least one account id; to accept any account, build the"
              + " discovery keyring without a filter");
    }
    TreeSet<String> ids = new TreeSet<>();
    for (String id : accountIds) {
      Objects.requireNonNull(id, "account id");
      if (id.isEmpty() || id.contains(":")) {
        throw new IllegalArgumentException(
            "discovery filter account id must be non-empty and contain no ':': '" + id + "'");
      }
      ids.add(id);
    }
    return new DiscoveryFilter(partition, Set.copyOf(ids));
  }

  /** Same as {@link #of(String, Collection)}. */
  public static DiscoveryFilter of(String partition, String... accountIds) {
    return of(partition, Arrays.asList(accountIds));
  }

  public String partition() {
    return partition;
  }

  public Set<String> accountIds() {
    return accountIds;
  }

  /** Whether a key in {@code partition} owned by {@code account} passes this filter. */
  public boolean accepts(String partition, String account) {
    return this.partition.equals(partition) && accountIds.contains(account);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DiscoveryFilter)) {
      return false;
    }
    DiscoveryFilter other = (DiscoveryFilter) o;
    return partition.equals(other.partition) && accountIds.equals(other.accountIds);
  }

  @Override
  public int hashCode() {
    return Objects.hash(partition, accountIds);
  }

  @Override
  public String toString() {
    return "DiscoveryFilter[partition=" + partition + ", accounts=" + new TreeSet<>(accountIds) + "]";
  }
}
