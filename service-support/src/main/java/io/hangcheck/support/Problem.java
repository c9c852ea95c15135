package io.hangcheck.support;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.Response;

/**
 * An RFC 9457 problem document ({@code application/problem+json}); {@code field} names the input at fault.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String field) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(Response.Status status, String detail, String field) {
        return new Problem("about:blank", status.getReasonPhrase(), status.getStatusCode(), detail, field);
    }

    public static Response response(Response.Status status, String detail, String field) {
        return Response.status(status).type(MEDIA_TYPE).entity(of(status, detail, field)).build();
    }
}
