package dev.envelope.local.postgresql;

import dev.envelope.local.contract.AuditContract;
import dev.envelope.local.contract.CachePurgeContract;
import dev.envelope.local.contract.ChangeKekContract;
import dev.envelope.local.contract.ConcurrencyContract;
import dev.envelope.local.contract.ExportContract;
import dev.envelope.local.contract.KekContract;
import dev.envelope.local.contract.KeyLifecycleContract;
import dev.envelope.local.contract.KeyPolicyContract;
import dev.envelope.local.contract.KeyStateListenerContract;
import dev.envelope.local.contract.MinDecryptionVersionContract;
import dev.envelope.local.contract.RoundTripContract;
import dev.envelope.local.contract.StoreApiContract;
import dev.envelope.local.contract.StoreHomeFixture;
import org.junit.jupiter.api.Nested;

/**
 * The key store's contract ({@code dev.envelope.local.contract}), the same tests the directory
 * home passes ({@code DirectoryStoreContractTest}), on PostgreSQL: each test in a fresh database of
 * the real test server ({@link PostgresServer}).
 */
class PostgresStoreContractTest {
  @Nested
  class Lifecycle extends KeyLifecycleContract {
    @Override
    protected StoreHomeFixture newHome() {
      return new PostgresHomeFixture();
    }
  }

  @Nested
  class Policy extends KeyPolicyContract {
    @Override
    protected StoreHomeFixture newHome() {
      return new PostgresHomeFixture();
    }
  }

  @Nested
  class MinDecryptionVersion extends MinDecryptionVersionContract {
    @Override
    protected StoreHomeFixture newHome() {
      return new PostgresHomeFixture();
    }
  }

  @Nested
  class RoundTrip extends RoundTripContract {
    @Override
    protected StoreHomeFixture newHome() {
      return new PostgresHomeFixture();
    }
  }

  @Nested
  class StateListeners extends KeyStateListenerContract {
    @Override
    protected StoreHomeFixture newHome() {
      return new PostgresHomeFixture();
    }
  }

  @Nested
  class CachePurge extends CachePurgeContract {
    @Override
    protected StoreHomeFixture newHome() {
      return new PostgresHomeFixture();
    }
  }

  @Nested
  class Concurrency extends ConcurrencyContract {
    @Override
    protected StoreHomeFixture newHome() {
      return new PostgresHomeFixture();
    }
  }

  @Nested
  class Keks extends KekContract {
    @Override
    protected StoreHomeFixture newHome() {
      return new PostgresHomeFixture();
    }
  }

  @Nested
  class StoreApi extends StoreApiContract {
    @Override
    protected StoreHomeFixture newHome() {
      return new PostgresHomeFixture();
    }
  }

  @Nested
  class ChangeKek extends ChangeKekContract {
    @Override
    protected StoreHomeFixture newHome() {
      return new PostgresHomeFixture();
    }
  }

  @Nested
  class Audit extends AuditContract {
    @Override
    protected StoreHomeFixture newHome() {
      return new PostgresHomeFixture();
    }
  }

  @Nested
  class Export extends ExportContract {
    @Override
    protected StoreHomeFixture newHome() {
      return new PostgresHomeFixture();
    }
  }
}
