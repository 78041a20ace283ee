/// Where the dashboard goes back to after signing in: the page a person asked for before they had
/// a session (a link in an e-mail or a text), carried as `next` through the sign-in form. Only a
/// path on this server is kept (`/alerts?alert=12`), never another site (`//evil.example`,
/// `https://…`): the sign-in page is no open redirect.
enum ReturnPath {
    /// `text` when it is a path on this server, of at most 512 plain characters.
    static func safe(_ text: String?) -> String? {
        guard let text, text.hasPrefix("/"), !text.hasPrefix("//"), text.utf8.count <= 512,
            text.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSetMembers.allowed.contains($0)) })
        else { return nil }
        return text
    }

    /// The sign-in page's address that comes back to `path` (`/?next=%2Falerts%3Falert%3D12`).
    static func signIn(returningTo path: String) -> String {
        guard path != "/", safe(path) != nil else { return "/" }
        return "/?next=" + URLQuery.escape(path)
    }

    private enum CharacterSetMembers {
        static let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/?=&._-%".unicodeScalars)
    }
}
