package io.hangcheck.evaluator.rest;

import io.hangcheck.events.HostStatus;
import io.hangcheck.support.Problem;
import jakarta.ws.rs.core.Response;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The resource's decisions with a stubbed query service (wiring only; the real path is EvaluatorOnKafkaTest). */
class HostsResourceTest {

    private static HostsResource resource(HostQueries.Lookup lookup) {
        HostsResource r = new HostsResource();
        r.queries = new HostQueries() {
            @Override
            public Lookup host(String id) {
                return lookup;
            }

            @Override
            public boolean running() {
                return true;
            }

            @Override
            public Page list(HostStatus status, String labelKey, String labelValue, String after, int limit) {
                return new Page(List.of(), null, "local", List.of());
            }
        };
        return r;
    }

    @Test
    void hostOwnedByAnotherInstanceIsARedirectToIt() {
        Response res = resource(new HostQueries.Lookup(null, new HostInfo("evaluator-2.evaluator", 8082), false)).host("lab-host-7");
        assertThat(res.getStatus()).isEqualTo(307);
        assertThat(res.getLocation().toString()).isEqualTo("http://evaluator-2.evaluator:8082/v1/hosts/lab-host-7");
    }

    @Test
    void unknownOwnerDuringARebalanceIs503AndUnknownHostIs404() {
        assertThat(resource(new HostQueries.Lookup(null, null, true)).host("h1").getStatus()).isEqualTo(503);
        Response res = resource(new HostQueries.Lookup(null, null, false)).host("h1");
        assertThat(res.getStatus()).isEqualTo(404);
        assertThat(((Problem) res.getEntity()).field()).isEqualTo("id");
    }

    @Test
    void badQueryParametersNameTheField() {
        HostsResource r = resource(null);
        assertThat(((Problem) r.list("ASLEEP", null, null, null).getEntity()).field()).isEqualTo("state");
        assertThat(((Problem) r.list(null, "pool", null, null).getEntity()).field()).isEqualTo("label");
        assertThat(((Problem) r.list(null, null, null, 0).getEntity()).field()).isEqualTo("limit");
        assertThat(((Problem) r.list(null, null, null, 1001).getEntity()).field()).isEqualTo("limit");
        assertThat(((Problem) r.host("no spaces").getEntity()).field()).isEqualTo("id");
        assertThat(r.list("hung", "pool=a", "h0", 10).getStatus()).isEqualTo(200);
    }
}
