package io.hangcheck.evaluator.rest;

import io.hangcheck.evaluator.domain.FleetAggregator;
import io.hangcheck.events.FleetHealth;
import io.hangcheck.events.Heartbeat;
import io.hangcheck.events.HostStatus;
import io.hangcheck.support.Problem;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.Locale;

/** Current liveness of hosts and of the fleet (docs/design.md, Operator surfaces). */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
public class HostsResource {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(HostsResource.class);
    static final int MAX_LIMIT = 1000;

    @Inject
    HostQueries queries;

    @Inject
    FleetAggregator fleet;

    @GET
    @Path("/hosts")
    @Operation(summary = "Hosts owned by this instance, filtered by state and label, paged by host id (after=cursor)")
    public Response list(@QueryParam("state") String state, @QueryParam("label") String label,
                         @QueryParam("after") String after, @QueryParam("limit") String limit) {
        HostStatus status = null;
        if (state != null) {
            try {
                status = HostStatus.valueOf(state.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return Problem.response(Response.Status.BAD_REQUEST, "state must be one of UP, SUSPECT, HUNG, HELD, REBOOTING", "state");
            }
        }
        String key = null;
        String value = null;
        if (label != null) {
            int eq = label.indexOf('=');
            if (eq <= 0) {
                return Problem.response(Response.Status.BAD_REQUEST, "label must be key=value", "label");
            }
            key = label.substring(0, eq);
            value = label.substring(eq + 1);
        }
        int n;
        try {
            n = limit == null ? 100 : Integer.parseInt(limit.strip());
        } catch (NumberFormatException e) {
            n = -1; // not a number: the same answer as out of range, naming the parameter
        }
        if (n < 1 || n > MAX_LIMIT) {
            return Problem.response(Response.Status.BAD_REQUEST, "limit must be within 1.." + MAX_LIMIT, "limit");
        }
        if (!queries.running()) {
            return Problem.response(Response.Status.SERVICE_UNAVAILABLE, "stream processing is not running (yet)", null);
        }
        return Response.ok(queries.list(status, key, value, after, n)).build();
    }

    @GET
    @Path("/hosts/{id}")
    @Operation(summary = "One host: state, last seen, phi now, history summary (redirects to the owning instance)")
    public Response host(@PathParam("id") String id) {
        return atOwner(id, l -> Response.ok(l.host()).build());
    }

    /**
     * What every per-host path checks first: a valid id (400), a known owner (503 while rebalancing), 307 to the
     * owning instance, 404 for a host never seen; {@code local} answers for a host of this instance.
     */
    private Response atOwner(String id, java.util.function.Function<HostQueries.Lookup, Response> local) {
        if (id == null || id.length() > Heartbeat.HOST_ID_MAX || !Heartbeat.HOST_ID_PATTERN.matcher(id).matches()) {
            return Problem.response(Response.Status.BAD_REQUEST, "not a host id: " + Heartbeat.HOST_ID_PATTERN_TEXT, "id");
        }
        HostQueries.Lookup l = queries.host(id);
        if (l.unavailable()) {
            return Problem.response(Response.Status.SERVICE_UNAVAILABLE, "the owner of this host is not known right now (rebalancing)", null);
        }
        if (l.owner() != null) {
            return Response.temporaryRedirect(UriBuilder.fromUri("http://" + l.owner().host() + ":" + l.owner().port())
                    .path("/v1/hosts/{id}").build(id)).build();
        }
        if (l.host() == null) {
            return Problem.response(Response.Status.NOT_FOUND, "no heartbeat seen from " + id, "id");
        }
        return local.apply(l);
    }

    /**
     * Retires a host (operator token): the task holding it deletes it within a second and writes a tombstone on the
     * compacted state topic; the fleet guard stops counting it. A later heartbeat makes it a new host.
     */
    @DELETE
    @Path("/hosts/{id}")
    @Operation(summary = "Retire a host: forget it (tombstone on the state topic); operator token required")
    public Response retire(@PathParam("id") String id) {
        return atOwner(id, l -> {
            fleet.requestRetire(id);
            LOG.infof("retire requested for host %s (was %s)", id, l.host().status());
            return Response.accepted(java.util.Map.of("hostId", id, "retire", "requested")).build();
        });
    }

    @GET
    @Path("/fleet")
    @Operation(summary = "This instance's fleet mode and figures")
    public FleetHealth fleet() {
        return fleet.report();
    }
}
