package io.hangcheck.executor.console;

import io.hangcheck.events.HostState;
import io.hangcheck.events.HostStatus;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HostTableTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static HostState host(int i, HostStatus status) {
        return new HostState(String.format("host-%06d", i), status, "boot-" + i, i, T0.plusSeconds(i % 977), T0.plusSeconds(i % 613),
                status == HostStatus.UP ? null : "inc-" + i, "ingest-" + (i % 3), Map.of("rack", "r" + (i % 40), "pool", i % 2 == 0 ? "nightly" : "ci"),
                T0.plusSeconds(i), "ev-1");
    }

    static List<HostState> fleet(int n) {
        List<HostState> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(host(i, i % 1000 == 7 ? HostStatus.HUNG : i % 100 == 3 ? HostStatus.SUSPECT : HostStatus.UP));
        }
        return out;
    }

    @Test
    void countsEveryStateOverTheWholeFleetWhateverTheFilter() {
        HostTable.Page p = HostTable.page(fleet(100_000), new HostTable.Query(HostStatus.HUNG, null, null, null, HostTable.Sort.HOST, false, 0, 50));
        assertThat(p.fleet()).isEqualTo(100_000);
        assertThat(p.byState()).containsEntry(HostStatus.HUNG, 100).containsEntry(HostStatus.SUSPECT, 1000)
                .containsEntry(HostStatus.UP, 98_900).containsEntry(HostStatus.HELD, 0).containsEntry(HostStatus.REBOOTING, 0);
        assertThat(p.matched()).isEqualTo(100);
        assertThat(p.pages()).isEqualTo(2);
        assertThat(p.rows()).hasSize(50).allMatch(h -> h.status() == HostStatus.HUNG);
        assertThat(p.rows().get(0).hostId()).isEqualTo("host-000007");
    }

    @Test
    void everyPageOfTheBoundedHeapEqualsTheSameSliceOfAFullSort() {
        List<HostState> hosts = fleet(20_000);
        for (HostTable.Sort sort : HostTable.Sort.values()) {
            for (boolean desc : new boolean[] {false, true}) {
                Comparator<HostState> order = desc ? sort.order.reversed() : sort.order;
                List<HostState> all = hosts.stream().filter(h -> "nightly".equals(h.labels().get("pool"))).sorted(order).toList();
                for (int page : new int[] {0, 1, 7, 99, 199}) {
                    HostTable.Page p = HostTable.page(hosts, new HostTable.Query(null, "pool", "nightly", null, sort, desc, page, 50));
                    int from = Math.min(all.size(), page * 50);
                    assertThat(p.rows()).as("%s desc=%s page %d", sort, desc, page).isEqualTo(all.subList(from, Math.min(all.size(), from + 50)));
                    assertThat(p.matched()).isEqualTo(10_000);
                }
            }
        }
    }

    @Test
    void stateSortPutsTheWorstFirstAndTextMatchesIdsViaAndLabels() {
        List<HostState> hosts = fleet(2_000);
        HostTable.Page p = HostTable.page(hosts, new HostTable.Query(null, null, null, null, HostTable.Sort.STATE, false, 0, 3));
        assertThat(p.rows()).extracting(HostState::status).containsExactly(HostStatus.HUNG, HostStatus.HUNG, HostStatus.SUSPECT);
        assertThat(HostTable.page(hosts, new HostTable.Query(null, null, null, "HOST-0012", null, false, 0, 500)).matched()).isEqualTo(100);
        assertThat(HostTable.page(hosts, new HostTable.Query(null, null, null, "rack=r39", null, false, 0, 500)).matched()).isEqualTo(50);
        assertThat(HostTable.page(hosts, new HostTable.Query(null, "rack", null, null, null, false, 0, 500)).matched()).isEqualTo(2_000);
        assertThat(HostTable.page(hosts, new HostTable.Query(null, null, null, "ingest-2", null, false, 0, 500)).matched()).isEqualTo(666);
    }

    @Test
    void aPageBeyondTheEndIsEmptyAndSizesAreBounded() {
        HostTable.Page p = HostTable.page(fleet(120), new HostTable.Query(null, null, null, null, HostTable.Sort.HOST, false, 9, 50));
        assertThat(p.rows()).isEmpty();
        assertThat(p.pages()).isEqualTo(3);
        assertThat(new HostTable.Query(null, null, null, null, null, false, -4, 1_000_000).size()).isEqualTo(HostTable.MAX_PAGE_SIZE);
        assertThat(new HostTable.Query(null, null, null, null, null, false, -4, 0).page()).isZero();
        assertThat(HostTable.Sort.parse("last-seen")).isEqualTo(HostTable.Sort.LAST_SEEN);
        assertThat(HostTable.Sort.parse("<script>")).isEqualTo(HostTable.Sort.HOST);
    }
}
