package io.sluice.bench;

import java.io.IOException;
import java.util.List;

/** The client side of the large transfers (figures 1 and 2): curl when there is one, else the JDK client. */
interface Transfers {

    /** How the client is described in the report. */
    String client();

    /** POSTs a JSON body and drains the answer, which must be a 200. */
    HttpLoad.Transfer post(String path, String jsonBody) throws IOException, InterruptedException;

    /** GETs each path in turn on one connection, draining every answer (each a 200); bytes and time in all. */
    HttpLoad.Transfer getAll(List<String> paths) throws IOException, InterruptedException;
}
