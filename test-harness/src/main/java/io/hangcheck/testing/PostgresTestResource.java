package io.hangcheck.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at a database on the real test PostgreSQL server (see {@link TestPostgres}),
 * created if missing. Init arg {@code database} (default {@value #DEFAULT_DATABASE}); init arg
 * {@code recreate=true} drops and recreates it first, for tests that need it empty.
 *
 * <pre>{@code
 * @QuarkusTestResource(value = PostgresTestResource.class,
 *         initArgs = @ResourceArg(name = "database", value = "hangcheck_executor_test"))
 * }</pre>
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    /** Database used when no {@code database} init arg is given. */
    public static final String DEFAULT_DATABASE = "hangcheck_test";

    private String database = DEFAULT_DATABASE;
    private boolean recreate;

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", DEFAULT_DATABASE);
        recreate = Boolean.parseBoolean(initArgs.getOrDefault("recreate", "false"));
    }

    @Override
    public Map<String, String> start() {
        String url = recreate ? TestPostgres.recreate(database) : TestPostgres.jdbcUrl(database);
        return Map.of(
                "quarkus.datasource.jdbc.url", url,
                "quarkus.datasource.username", TestPostgres.user(),
                "quarkus.datasource.password", TestPostgres.password(),
                "HANGCHECK_DB_URL", url);
    }

    @Override
    public void stop() {
        // The server is not ours; the database stays for the next run (tests clean what they need).
    }
}
