package io.hangcheck.sockets.rest;

import io.hangcheck.events.LeakAlert;
import io.hangcheck.events.SocketSnapshot;
import io.hangcheck.sockets.SocketScanService;
import io.hangcheck.support.Problem;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.List;

/** The latest scan and the open leak alerts. */
@Path("/v1/sockets")
@Produces(MediaType.APPLICATION_JSON)
public class SocketsResource {
    @Inject
    SocketScanService service;

    @GET
    @Operation(summary = "The latest socket-table snapshot (503 until the first scan)")
    public Response latest() {
        SocketSnapshot s = service.latest();
        if (s == null) {
            return Response.fromResponse(Problem.response(Response.Status.SERVICE_UNAVAILABLE,
                    "no scan has completed yet", null)).header("Retry-After", "15").build();
        }
        return Response.ok(s).build();
    }

    @GET
    @Path("/alerts")
    @Operation(summary = "Leak alerts open now, oldest first")
    public List<LeakAlert> alerts() {
        return service.openAlerts();
    }
}
