package io.hangcheck.executor.rest;

import io.hangcheck.events.RebootDecision;
import io.hangcheck.events.RebootRecord;
import io.hangcheck.executor.domain.InventoryEntry;
import io.hangcheck.executor.domain.PauseState;
import io.hangcheck.executor.domain.Policy;
import io.hangcheck.executor.domain.Silence;
import io.hangcheck.executor.domain.Verdict;
import io.hangcheck.executor.service.Drivers;
import io.hangcheck.executor.service.Decider;
import io.hangcheck.executor.service.Gauges;
import io.hangcheck.executor.store.Inventory;
import io.hangcheck.executor.store.KillSwitch;
import io.hangcheck.executor.store.LedgerRows;
import io.hangcheck.executor.store.Quarantines;
import io.hangcheck.executor.store.Silences;
import io.hangcheck.support.Problem;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * The admin API: pause, silences, ledger, inventory, manual reboot and what-if. Every call needs a bearer
 * token ({@link BearerAuthFilter}); errors are {@code application/problem+json} naming the field.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@SecurityScheme(securitySchemeName = "bearer", type = SecuritySchemeType.HTTP, scheme = "bearer")
@SecurityRequirement(name = "bearer")
@APIResponse(responseCode = "401", description = "no or unknown bearer token")
@APIResponse(responseCode = "403", description = "role viewer may not change anything")
public class AdminResource {

    @Inject
    KillSwitch killSwitch;
    @Inject
    Silences silenceTable;
    @Inject
    LedgerRows ledgerRows;
    @Inject
    Inventory inventoryTable;
    @Inject
    Quarantines quarantines;
    @Inject
    Decider decider;
    @Inject
    Gauges gauges;
    @Inject
    Drivers drivers;
    @Inject
    Clock clock;

    // ---- pause ----

    /** Body of POST /v1/pause. */
    public record PauseRequest(String reason, String author) {
    }

    @GET
    @Path("/pause")
    @Tag(name = "pause")
    @Operation(summary = "Is remediation paused? (detection keeps running)")
    public PauseState getPause() {
        return killSwitch.pause();
    }

    @POST
    @Path("/pause")
    @Tag(name = "pause")
    @Operation(summary = "Pause all reboots (the kill switch); a reason is required")
    public PauseState pause(PauseRequest body, @Context SecurityContext sc) {
        if (body == null) {
            throw new BadInput("reason", "reason is required");
        }
        String reason = BadInput.require(body.reason(), "reason", 1000);
        PauseState p = killSwitch.set(true, author(body.author(), sc), reason, clock.instant());
        gauges.refresh();
        return p;
    }

    @DELETE
    @Path("/pause")
    @Tag(name = "pause")
    @Operation(summary = "Resume reboots")
    public PauseState resume(@Context SecurityContext sc) {
        PauseState p = killSwitch.set(false, author(null, sc), "resumed", clock.instant());
        gauges.refresh();
        return p;
    }

    // ---- silences ----

    /** Body of POST /v1/silences: a host or a label, an end (or a duration), an author and a reason. */
    public record SilenceRequest(String hostId, String labelKey, String labelValue, Instant startsAt, Instant endsAt,
                                 String duration, String author, String reason) {
    }

    @GET
    @Path("/silences")
    @Tag(name = "silences")
    @Operation(summary = "Silences not yet ended")
    public List<Silence> silences() {
        return silenceTable.notEnded(clock.instant());
    }

    @POST
    @Path("/silences")
    @Tag(name = "silences")
    @Operation(summary = "Silence a host (hostId) or every host with a label (labelKey, labelValue) until endsAt or for a duration")
    @APIResponse(responseCode = "201", description = "created")
    public Response addSilence(SilenceRequest b, @Context SecurityContext sc) {
        if (b == null) {
            throw new BadInput("reason", "a JSON body is required");
        }
        String reason = BadInput.require(b.reason(), "reason", 1000);
        boolean byHost = b.hostId() != null;
        boolean byLabel = b.labelKey() != null || b.labelValue() != null;
        if (byHost == byLabel) {
            throw new BadInput("hostId", "give either hostId, or labelKey and labelValue");
        }
        if (byHost) {
            BadInput.hostId(b.hostId(), "hostId");
        } else {
            BadInput.require(b.labelKey(), "labelKey", 200);
            BadInput.require(b.labelValue(), "labelValue", 200);
        }
        Instant now = clock.instant();
        Instant start = b.startsAt() == null ? now : b.startsAt();
        Instant end = b.endsAt();
        if (end == null) {
            if (b.duration() == null) {
                throw new BadInput("endsAt", "give endsAt or duration (e.g. PT2H)");
            }
            try {
                end = start.plus(Duration.parse(b.duration()));
            } catch (DateTimeParseException e) {
                throw new BadInput("duration", "duration must be ISO-8601, e.g. PT2H");
            }
        }
        if (!end.isAfter(start)) {
            throw new BadInput("endsAt", "endsAt must be after startsAt");
        }
        Silence s = silenceTable.add(byHost ? b.hostId() : null, byHost ? null : b.labelKey(), byHost ? null : b.labelValue(),
                start, end, author(b.author(), sc), reason, now);
        return Response.status(Response.Status.CREATED).entity(s).build();
    }

    @DELETE
    @Path("/silences/{id}")
    @Tag(name = "silences")
    @Operation(summary = "End a silence now (it stays on record)")
    @APIResponse(responseCode = "204", description = "ended")
    @APIResponse(responseCode = "404", description = "no active silence with that id")
    public Response deleteSilence(@PathParam("id") String id) {
        long n;
        try {
            n = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw new BadInput("id", "id must be a number");
        }
        return silenceTable.expire(n, clock.instant()) ? Response.noContent().build()
                : Problem.response(Response.Status.NOT_FOUND, "no active silence " + n, "id");
    }

    // ---- ledger ----

    @GET
    @Path("/ledger")
    @Tag(name = "ledger")
    @Operation(summary = "Decisions, newest first, by host, time range [from, to) and decision")
    public List<RebootRecord> ledger(@QueryParam("host") String host, @QueryParam("from") String from,
                                     @QueryParam("to") String to, @QueryParam("decision") String decision,
                                     @QueryParam("limit") Integer limit) {
        RebootDecision d = null;
        if (decision != null) {
            try {
                d = RebootDecision.valueOf(decision);
            } catch (IllegalArgumentException e) {
                throw new BadInput("decision", "decision must be one of " + List.of(RebootDecision.values()));
            }
        }
        int lim = limit == null ? 100 : limit;
        if (lim < 1 || lim > 10_000) {
            throw new BadInput("limit", "limit must be within 1..10000");
        }
        if (host != null) {
            BadInput.hostId(host, "host");
        }
        return ledgerRows.ledger(host, instant(from, "from"), instant(to, "to"), d, lim);
    }

    // ---- inventory ----

    /** Body of PUT /v1/inventory/{hostId}. */
    public record InventoryRequest(String driver, Map<String, String> params, Map<String, String> labels, Boolean enabled, String author) {
    }

    @GET
    @Path("/inventory")
    @Tag(name = "inventory")
    @Operation(summary = "All inventory entries")
    public List<InventoryEntry> inventory(@QueryParam("limit") Integer limit) {
        return inventoryTable.list(limit == null ? 10_000 : Math.max(1, Math.min(limit, 100_000)));
    }

    @GET
    @Path("/inventory/{hostId}")
    @Tag(name = "inventory")
    @Operation(summary = "One host's driver, parameters, labels and whether it is enabled")
    @APIResponse(responseCode = "404", description = "not in the inventory")
    public Response inventory(@PathParam("hostId") String hostId) {
        BadInput.hostId(hostId, "hostId");
        return inventoryTable.get(hostId).map(e -> Response.ok(e).build())
                .orElseGet(() -> Problem.response(Response.Status.NOT_FOUND, "host " + hostId + " is not in the inventory", "hostId"));
    }

    @PUT
    @Path("/inventory/{hostId}")
    @Tag(name = "inventory")
    @Operation(summary = "Create or replace a host's entry")
    @APIResponse(responseCode = "201", description = "created")
    @APIResponse(responseCode = "200", description = "replaced")
    public Response putInventory(@PathParam("hostId") String hostId, InventoryRequest b, @Context SecurityContext sc) {
        BadInput.hostId(hostId, "hostId");
        if (b == null) {
            throw new BadInput("driver", "a JSON body is required");
        }
        String driver = BadInput.require(b.driver(), "driver", 64);
        if (drivers.get(driver) == null) {
            throw new BadInput("driver", "driver must be one of " + drivers.byName().keySet());
        }
        if (b.params() != null && b.params().values().stream().anyMatch(v -> v == null)) {
            throw new BadInput("params", "params must not contain null values");
        }
        if (b.labels() != null && b.labels().values().stream().anyMatch(v -> v == null)) {
            throw new BadInput("labels", "labels must not contain null values");
        }
        if (b.params() != null && (b.params().containsKey("password") || b.params().containsKey("token"))) {
            throw new BadInput("params", "secrets do not belong in the inventory; name them with 'credentials'");
        }
        InventoryEntry e = new InventoryEntry(hostId, driver, b.params(), b.labels(), b.enabled() == null || b.enabled(),
                clock.instant(), author(b.author(), sc));
        boolean created = inventoryTable.put(e);
        return Response.status(created ? Response.Status.CREATED : Response.Status.OK).entity(e).build();
    }

    @DELETE
    @Path("/inventory/{hostId}")
    @Tag(name = "inventory")
    @Operation(summary = "Remove a host from the inventory (it will never be reset)")
    @APIResponse(responseCode = "204", description = "removed")
    public Response deleteInventory(@PathParam("hostId") String hostId) {
        BadInput.hostId(hostId, "hostId");
        return inventoryTable.delete(hostId) ? Response.noContent().build()
                : Problem.response(Response.Status.NOT_FOUND, "host " + hostId + " is not in the inventory", "hostId");
    }

    // ---- hosts ----

    /** Body of POST /v1/hosts/{id}/reboot. */
    public record RebootRequest(Boolean force, String reason, String author, String requestId) {
    }

    @POST
    @Path("/hosts/{id}/reboot")
    @Tag(name = "hosts")
    @Operation(summary = "Reboot a host through the chain; force=true skips the chain (not the ledger, not a reset in flight), with a required reason."
            + " requestId is required: a retry with the same requestId is the same incident and never a second reset")
    @APIResponse(responseCode = "200", description = "the chain's verdict and the ledger records it produced")
    @APIResponse(responseCode = "409", description = "force=true while the host has an open reset attempt (named)")
    public Response reboot(@PathParam("id") String hostId, RebootRequest b, @Context SecurityContext sc) {
        BadInput.hostId(hostId, "id");
        boolean force = b != null && Boolean.TRUE.equals(b.force());
        String reason = b == null ? null : b.reason();
        // the incident id is derived from it: a client retrying a timed-out POST asks for the same incident
        String requestId = BadInput.hostId(b == null ? null : b.requestId(), "requestId");
        if (force) {
            reason = BadInput.require(reason, "reason", 1000);
        }
        Decider.Outcome o = decider.manual(hostId, requestId, force, author(b == null ? null : b.author(), sc), reason);
        String open = o.verdict() == null ? null : o.verdict().detail().get(Policy.OPEN_ATTEMPT);
        if (force && open != null) {
            return Problem.response(Response.Status.CONFLICT, "host " + hostId + " has an open reset attempt " + open
                    + " (in flight or waiting for its new boot); one reset per host at a time", "id");
        }
        return Response.ok(o).build();
    }

    @GET
    @Path("/hosts/{id}/what-if")
    @Tag(name = "hosts")
    @Operation(summary = "What the chain would decide now for this host, for a HUNG and for an operator's request (nothing is written)")
    public Map<String, Verdict> whatIf(@PathParam("id") String hostId) {
        BadInput.hostId(hostId, "id");
        return decider.whatIf(hostId);
    }

    @DELETE
    @Path("/hosts/{id}/quarantine")
    @Tag(name = "hosts")
    @Operation(summary = "Release a host from quarantine after a person looked at it")
    @APIResponse(responseCode = "204", description = "released")
    public Response release(@PathParam("id") String hostId) {
        BadInput.hostId(hostId, "id");
        if (!quarantines.release(hostId)) {
            return Problem.response(Response.Status.NOT_FOUND, "host " + hostId + " is not quarantined", "id");
        }
        gauges.refresh();
        return Response.noContent().build();
    }

    private static String author(String given, SecurityContext sc) {
        String role = sc == null || sc.getUserPrincipal() == null ? "unknown" : sc.getUserPrincipal().getName();
        return given == null || given.isBlank() ? role : given.strip() + " (" + role + ")";
    }

    private static Instant instant(String value, String field) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new BadInput(field, field + " must be an ISO-8601 instant, e.g. 2026-01-01T00:00:00Z");
        }
    }
}
