import HTTPTypes
import Testing
import TernHTTP

@Suite("Response.statusCode reads the :status field's digits")
struct ResponseStatusCodeTests {
    @Test(arguments: [100, 200, 204, 206, 304, 404, 429, 500, 599])
    func theCodeOfEveryStatus(code: Int) {
        var response = Response(status: HTTPResponse.Status(code: code))
        #expect(response.statusCode == code && response.statusCode == response.status.code)
        response.head.status = .notModified
        #expect(response.statusCode == 304)
        response.status = .init(code: 418, reasonPhrase: "I'm a teapot")
        #expect(response.statusCode == 418)
        response.head = HTTPResponse(status: HTTPResponse.Status(code: code))
        #expect(response.statusCode == code)
        #expect(Response(head: HTTPResponse(status: .accepted)).statusCode == 202)
    }
}
