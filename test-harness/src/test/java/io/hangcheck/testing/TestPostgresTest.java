package io.hangcheck.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.DriverManager;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TestPostgresTest {

    @Test
    void createsTheDatabaseAndItAnswers() throws Exception {
        String url = TestPostgres.recreate("hangcheck_harness_test");
        String again = TestPostgres.jdbcUrl("hangcheck_harness_test"); // idempotent

        assertThat(again).isEqualTo(url).endsWith("/hangcheck_harness_test");
        try (var c = DriverManager.getConnection(url, TestPostgres.user(), TestPostgres.password());
             var s = c.createStatement();
             var rs = s.executeQuery("SELECT 1, current_database()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getString(2)).isEqualTo("hangcheck_harness_test");
        }
    }

    @Test
    void recreateEmptiesTheDatabase() throws Exception {
        String url = TestPostgres.jdbcUrl("hangcheck_harness_recreate");
        try (var c = DriverManager.getConnection(url, TestPostgres.user(), TestPostgres.password());
             var s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS leftover (id int)");
        }

        TestPostgres.recreate("hangcheck_harness_recreate");

        try (var c = DriverManager.getConnection(url, TestPostgres.user(), TestPostgres.password());
             var rs = c.getMetaData().getTables(null, "public", "leftover", null)) {
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void unsafeDatabaseNamesAreRefused() {
        assertThatThrownBy(() -> TestPostgres.jdbcUrl("x; DROP DATABASE postgres"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("database name");
    }

    @Test
    void resourceHandsQuarkusTheDatasource() {
        var resource = new PostgresTestResource();
        resource.init(Map.of("database", "hangcheck_harness_resource"));

        Map<String, String> config = resource.start();

        assertThat(config.get("quarkus.datasource.jdbc.url")).endsWith("/hangcheck_harness_resource");
        assertThat(config).containsKeys("quarkus.datasource.username", "quarkus.datasource.password", "HANGCHECK_DB_URL");
    }
}
