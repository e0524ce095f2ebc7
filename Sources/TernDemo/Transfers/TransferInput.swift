import TernJSON

/// `POST /transfers`: `{"from", "to", "amount"}`.
struct TransferInput: Decodable, Validatable {
    let from: String
    let to: String
    let amount: Money

    func validate() -> [FieldError] {
        var errors: [FieldError] = []
        if from.isEmpty { errors.append(FieldError(field: "from", message: "must name an account")) }
        if to.isEmpty { errors.append(FieldError(field: "to", message: "must name an account")) }
        if !from.isEmpty, from == to { errors.append(FieldError(field: "to", message: "must differ from from")) }
        if amount.cents <= 0 { errors.append(FieldError(field: "amount", message: "must be positive")) }
        return errors
    }
}
