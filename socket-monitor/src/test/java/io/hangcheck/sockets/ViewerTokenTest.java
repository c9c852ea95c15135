package io.hangcheck.sockets;

import io.hangcheck.testing.KafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** With viewer tokens configured the read API needs one; probes and metrics stay open. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@TestProfile(ViewerTokenTest.WithTokens.class)
class ViewerTokenTest {
    public static class WithTokens implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("hangcheck.sockets.api.viewer-tokens", "view-one, view-two");
        }
    }

    @Test
    void theReadApiAnswersOnlyAViewerTokenWhileProbesAndMetricsStayOpen() {
        given().get("/v1/sockets/alerts").then().statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("field", equalTo("Authorization"));
        given().header("Authorization", "Bearer view-one-but-longer").get("/v1/sockets/alerts").then().statusCode(401);
        given().header("Authorization", "Basic dmlldy1vbmU=").get("/v1/sockets").then().statusCode(401);
        given().header("Authorization", "Bearer view-two").get("/v1/sockets/alerts").then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                given().header("Authorization", "Bearer view-one").get("/v1/sockets").statusCode() == 200);
        given().get("/metrics").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
    }
}
