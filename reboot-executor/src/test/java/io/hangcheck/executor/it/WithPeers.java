package io.hangcheck.executor.it;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.hangcheck.executor.driver.FakeBmc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The executor's peers for one test class, on the ports {@link PeersResource} chose: a real SMTP server (GreenMail),
 * a fake BMC speaking Redfish, a webhook receiver, and the producer of the evaluator's events.
 */
abstract class WithPeers {
    static GreenMail smtp;
    static FakeBmc bmc;
    static HookReceiver hook;
    static ItSupport it;

    @BeforeAll
    static void startPeers() throws Exception {
        smtp = new GreenMail(new ServerSetup(Integer.getInteger(PeersResource.SMTP_PORT), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
        bmc = new FakeBmc("admin", "s3cret", Integer.getInteger(PeersResource.BMC_PORT));
        hook = new HookReceiver(Integer.getInteger(PeersResource.HOOK_PORT));
        it = new ItSupport();
    }

    @AfterAll
    static void stopPeers() {
        it.close();
        hook.close();
        bmc.close();
        smtp.stop();
    }
}
