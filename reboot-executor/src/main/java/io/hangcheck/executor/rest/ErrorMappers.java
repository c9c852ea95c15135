package io.hangcheck.executor.rest;

import io.hangcheck.executor.store.StoreException;
import io.hangcheck.support.Problem;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Errors as {@code application/problem+json} naming the field. */
public class ErrorMappers {
    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response badInput(BadInput e) {
        return Problem.response(Response.Status.BAD_REQUEST, e.getMessage(), e.field());
    }

    @ServerExceptionMapper
    public Response database(StoreException e) {
        LOG.warnf("admin API: %s", e.getMessage());
        return Problem.response(Response.Status.SERVICE_UNAVAILABLE, "the ledger database is unavailable; nothing is changed or rebooted", null);
    }

    @ServerExceptionMapper
    public Response standby(io.hangcheck.executor.store.NotLeaderException e) {
        return Problem.response(Response.Status.SERVICE_UNAVAILABLE, e.getMessage() + "; ask the leader (the replica whose"
                + " readiness says role leader)", null);
    }

    @ServerExceptionMapper
    public Response flyway(org.flywaydb.core.api.FlywayException e) {
        LOG.warnf("admin API: %s", e.getMessage());
        return Problem.response(Response.Status.SERVICE_UNAVAILABLE, "the ledger database is unavailable; nothing is changed or rebooted", null);
    }

    @ServerExceptionMapper
    public Response json(com.fasterxml.jackson.core.JsonProcessingException e) {
        String field = e instanceof com.fasterxml.jackson.databind.JsonMappingException m && !m.getPath().isEmpty()
                ? m.getPath().get(m.getPath().size() - 1).getFieldName() : "$";
        return Problem.response(Response.Status.BAD_REQUEST, "unreadable JSON: " + e.getOriginalMessage(), field);
    }
}
