// The generated Greetings API on 127.0.0.1:8080: `swift run GreetingsServer`, then
// `curl 'localhost:8080/api/greetings/tern?style=loud'`.
import Greetings
import Tern

let server = Server(configuration: ServerConfiguration(host: "127.0.0.1", port: 8080), responder: try GreetingsAPI.application())
try server.run { address in print("listening on http://\(address)") }
