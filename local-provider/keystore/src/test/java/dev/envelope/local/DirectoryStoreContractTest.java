package dev.envelope.local;

import dev.envelope.local.contract.AuditContract;
import dev.envelope.local.contract.CachePurgeContract;
import dev.envelope.local.contract.ChangeKekContract;
import dev.envelope.local.contract.ConcurrencyContract;
import dev.envelope.local.contract.DirectoryHomeFixture;
import dev.envelope.local.contract.ExportContract;
import dev.envelope.local.contract.KekContract;
import dev.envelope.local.contract.KeyLifecycleContract;
import dev.envelope.local.contract.KeyPolicyContract;
import dev.envelope.local.contract.KeyStateListenerContract;
import dev.envelope.local.contract.MinDecryptionVersionContract;
import dev.envelope.local.contract.RoundTripContract;
import dev.envelope.local.contract.StoreApiContract;
import dev.envelope.local.contract.StoreHomeFixture;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The key store's contract ({@code dev.envelope.local.contract}) on the directory home. */
class DirectoryStoreContractTest {
  @TempDir Path tmp;
  private final AtomicInteger homes = new AtomicInteger();

  /** A fresh directory, not yet created (the store creates it). */
  StoreHomeFixture directory() {
    return new DirectoryHomeFixture(tmp.resolve("store-" + homes.incrementAndGet()));
  }

  @Nested
  class Lifecycle extends KeyLifecycleContract {
    @Override
    protected StoreHomeFixture newHome() {
      return directory();
    }
  }

  @Nested
  class Policy extends KeyPolicyContract {
    @Override
    protected StoreHomeFixture newHome() {
      return directory();
    }
  }

  @Nested
  class MinDecryptionVersion extends MinDecryptionVersionContract {
    @Override
    protected StoreHomeFixture newHome() {
      return directory();
    }
  }

  @Nested
  class RoundTrip extends RoundTripContract {
    @Override
    protected StoreHomeFixture newHome() {
      return directory();
    }
  }

  @Nested
  class StateListeners extends KeyStateListenerContract {
    @Override
    protected StoreHomeFixture newHome() {
      return directory();
    }
  }

  @Nested
  class CachePurge extends CachePurgeContract {
    @Override
    protected StoreHomeFixture newHome() {
      return directory();
    }
  }

  @Nested
  class Concurrency extends ConcurrencyContract {
    @Override
    protected StoreHomeFixture newHome() {
      return directory();
    }
  }

  @Nested
  class Keks extends KekContract {
    @Override
    protected StoreHomeFixture newHome() {
      return directory();
    }
  }

  @Nested
  class StoreApi extends StoreApiContract {
    @Override
    protected StoreHomeFixture newHome() {
      return directory();
    }
  }

  @Nested
  class ChangeKek extends ChangeKekContract {
    @Override
    protected StoreHomeFixture newHome() {
      return directory();
    }
  }

  @Nested
  class Audit extends AuditContract {
    @Override
    protected StoreHomeFixture newHome() {
      return directory();
    }
  }

  @Nested
  class Export extends ExportContract {
    @Override
    protected StoreHomeFixture newHome() {
      return directory();
    }
  }
}
