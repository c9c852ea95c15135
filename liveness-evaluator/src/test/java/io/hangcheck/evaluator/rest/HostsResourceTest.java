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
        assertThat(((Problem) r.list(null, null, null, "0").getEntity()).field()).isEqualTo("limit");
        assertThat(((Problem) r.list(null, null, null, "1001").getEntity()).field()).isEqualTo("limit");
        // not a number: 400 naming the parameter (was an empty 404)
        Response abc = r.list(null, null, null, "abc");
        assertThat(abc.getStatus()).isEqualTo(400);
        assertThat(((Problem) abc.getEntity()).field()).isEqualTo("limit");
        assertThat(((Problem) r.host("no spaces").getEntity()).field()).isEqualTo("id");
        assertThat(r.list("hung", "pool=a", "h0", "10").getStatus()).isEqualTo(200);
    }

    @Test
    void readsNeedATokenOnceTokensAreConfiguredAndOnlyOperatorsRetire() {
        List<String> none = List.of();
        // no token configured: reads open (anonymous), but an anonymous write is refused by the filter
        assertThat(BearerAuthFilter.role(null, none, none)).isEqualTo(BearerAuthFilter.OPEN);
        List<String> ops = List.of("op-secret");
        List<String> viewers = List.of("view-secret");
        assertThat(BearerAuthFilter.role(null, ops, viewers)).isNull();
        assertThat(BearerAuthFilter.role("Bearer nope", ops, viewers)).isNull();
        assertThat(BearerAuthFilter.role("Bearer view-secret", ops, viewers)).isEqualTo(BearerAuthFilter.VIEWER);
        assertThat(BearerAuthFilter.role("bearer op-secret", ops, viewers)).isEqualTo(BearerAuthFilter.OPERATOR);
    }

    @Test
    void theHostDetailCarriesNoSecrets() {
        // the fields of the host detail, all of them: no token, key or credential can ride along
        assertThat(java.util.Arrays.stream(HostView.class.getRecordComponents()).map(c -> c.getName()).toList())
                .containsExactly("hostId", "status", "bootId", "lastSeq", "lastSeenAt", "since", "incidentId", "via",
                        "labels", "labelsTruncated", "partition", "partitionTime", "silentMillis", "phi", "bootGraceUntil",
                        "history", "evaluatorId", "net", "groups");
    }

    @Test
    void retiringAnUnknownHostIs404AndAnotherInstancesHostARedirect() {
        assertThat(resource(new HostQueries.Lookup(null, null, false)).retire("h1").getStatus()).isEqualTo(404);
        assertThat(resource(new HostQueries.Lookup(null, new HostInfo("evaluator-2.evaluator", 8082), false)).retire("h1")
                .getStatus()).isEqualTo(307);
        assertThat(((Problem) resource(null).retire("no spaces").getEntity()).field()).isEqualTo("id");
    }
}
