import Foundation

/// Diary entries for simulated studies, written for Waves, each with the codes of the shipped
/// ecosystem codebook (codebooks/ecosystem.yaml) that it carries.
///
/// The simulator picks an entry for each answer to a free-text item, weighting entries by the
/// participant's latent growth (identity work and confident reflection come more often from
/// participants who grow, doubt and feeling outside from those who do not) and by role (peer
/// mentors write more of the community and of being relied upon), so a joint display of the
/// demo shows a pattern. The codes are the "truth" the demo's simulated coders start from.
public enum DiaryBank {
    /// How an entry relates to the writer's latent change.
    public enum Tone: Sendable { case growth, struggle, neutral }

    public struct Entry: Sendable {
        public var text: String
        public var codes: [String]
        public var tone: Tone
        /// Written from a peer mentor's side (more likely for the study's second role).
        public var peer: Bool
    }

    static func e(_ text: String, _ codes: [String], _ tone: Tone = .neutral, peer: Bool = false) -> Entry {
        Entry(text: text, codes: codes, tone: tone, peer: peer)
    }

    /// dy01: "Describe a moment in the last weeks that made you think about the kind of doctor you want to be."
    static let moment: [Entry] = [
        e("On the ward round the consultant sat down to speak with a dying man's daughter. I want to be the kind of doctor who sits down.", ["identity", "societal"], .growth),
        e("A patient asked me whether I was a real doctor. I said not yet, and for once that did not feel like an apology.", ["identity", "individual"], .growth),
        e("My mentor talked me through a family meeting before we went in. Afterwards she asked what I noticed, and I realised I had watched the silences more than the words.", ["micro", "reflection"], .growth),
        e("I froze when the registrar asked me a question in front of everyone. I keep wondering whether I am made for this.", ["identity", "innate"], .struggle),
        e("The research meeting ran late and nobody seemed to mind that I had no results yet. Still, I felt like a visitor rather than a member.", ["meso", "identity"], .struggle),
        e("Reading the patient's notes for our project, I saw how much of good care is paperwork nobody thanks you for. I am less romantic about medicine now, and I think that is fine.", ["reflection", "identity"], .neutral),
        e("Our group presented the audit to the department. Standing there with the others, I felt for the first time that this was our work, not a student exercise.", ["meso", "identity", "societal"], .growth),
        e("A nurse corrected me gently when I used jargon with a family. I have always been quick to explain, and I am learning that quick is not the same as clear.", ["reflection", "innate", "individual"], .growth),
        e("The programme's Wednesday sessions were cancelled twice, so I saw my mentor only once this month. It made me realise how much I rely on that hour.", ["macro", "micro", "relational"], .struggle),
        e("I watched a doctor hold a patient's hand while giving bad news. My faith has always told me to stay with people who suffer, and now I can see what that looks like at work.", ["innate", "identity"], .neutral),
        e("When I disagreed with my mentor about a case, she asked me to explain my reasoning instead of correcting me. I want to teach like that one day.", ["micro", "identity", "relational"], .growth),
        e("Exams are close and the hospital placement leaves no time for the project. I do what is asked and little else.", ["macro", "individual"], .struggle),
        e("A family thanked the whole team, students included. People outside expect so much from doctors, and I felt both proud and a little afraid.", ["societal", "identity"], .neutral),
        e("Nothing in particular stood out; the weeks were busy with lectures.", [], .struggle),
    ]

    /// dy02: "What did you learn about yourself through mentoring?"
    static let learned: [Entry] = [
        e("I learnt that I ask for help too late. My mentor noticed before I did and now we start each meeting with what is worrying me.", ["micro", "reflection", "individual"], .growth),
        e("I am more confident than I thought when I have prepared. I now write my questions down before every meeting.", ["individual", "reflection"], .growth),
        e("Talking with my mentor helped me see patients as people with long stories, not as cases for our project.", ["micro", "reflection", "identity"], .growth),
        e("I still feel unsure in the research group. Everyone seems to know what they are doing except me.", ["meso", "individual"], .struggle),
        e("I have always been the quiet one. Mentoring showed me that quiet people can still be trusted with hard conversations.", ["innate", "relational", "reflection"], .growth),
        e("My peers shared how they cope with difficult news, and I was not the only one struggling. That helped more than any lecture.", ["meso", "relational"], .neutral),
        e("I learnt that I need structure. When the programme's schedule slipped, so did I.", ["macro", "individual", "reflection"], .struggle),
        e("I am beginning to think of myself as part of a team of doctors and researchers, not a student watching from the corner.", ["identity", "meso"], .growth),
        e("I react badly to criticism. Writing this diary made me notice that I go quiet for a day afterwards, and that I can decide to ask what was meant instead.", ["reflection", "individual"], .neutral),
        e("Not much yet; we have only met twice.", ["micro"], .struggle),
        e("Mentoring made me realise how much the hierarchy in the hospital shapes who speaks. I want to be someone who lets juniors speak.", ["macro", "societal", "identity"], .growth),
        e("I found that I like explaining things to others, and that I am patient in a way I did not expect of myself.", ["individual", "relational"], .neutral),
    ]

    /// dy03 (peer mentors): "What has it been like to mentor other students, and what would help you do it better?"
    static let mentoring: [Entry] = [
        e("My mentee asked me for advice about a patient, and I realised someone now relies on me. It is a good weight to carry.", ["micro", "relational", "identity"], .growth, peer: true),
        e("It has been harder than I expected. My mentee cancels often and I do not know whether to push. Training on how to start these conversations would help.", ["micro", "macro", "reflection"], .struggle, peer: true),
        e("The peer mentors' group is where I learn most: we compare notes and steal each other's good ideas.", ["meso", "relational"], .neutral, peer: true),
        e("I want to give other students the support I was given. Protected time in the timetable would make that possible.", ["macro", "relational", "identity"], .growth, peer: true),
        e("Mentoring makes me reflect on my own first year; I see my old fears in my mentee and can name them for her.", ["micro", "reflection", "relational"], .growth, peer: true),
        e("Honestly, it feels like one more task. The programme could ask less paperwork of us.", ["macro"], .struggle, peer: true),
        e("Being called a mentor by the faculty changed how the juniors treat me. I feel I have to live up to the title.", ["societal", "identity", "meso"], .growth, peer: true),
        e("I have learnt to listen before I answer. It does not come naturally to me.", ["individual", "innate", "reflection"], .neutral, peer: true),
        e("Our mentoring pair works well, but I would like more contact with the other pairs to share what works.", ["micro", "meso"], .neutral, peer: true),
    ]

    /// Entries for any other free-text item.
    static let general: [Entry] = moment + learned

    /// The entries offered for an item.
    public static func entries(for item: String) -> [Entry] {
        switch item {
        case "dy01": return moment
        case "dy02": return learned
        case "dy03": return mentoring
        default: return general
        }
    }

    /// Every entry, by text, with its codes (what the demo's simulated coders start from).
    public static let codesByText: [String: [String]] = {
        var out: [String: [String]] = [:]
        for e in moment + learned + mentoring { out[e.text] = e.codes }
        return out
    }()

    /// Picks an entry: weights exp(0.9 z) for growth entries and exp(-0.9 z) for struggle entries,
    /// z the participant's growth in SD units around the mean (later waves lean towards growth
    /// by 0.3 per wave step); entries from a peer mentor's side weigh double for the second role.
    public static func pick(item: String, growthZ z: Double, waveStep: Int, secondRole: Bool, uniform u: Double) -> Entry {
        let list = entries(for: item)
        let zz = z + 0.3 * Double(waveStep)
        let w = list.map { e -> Double in
            var x = e.tone == .growth ? exp(0.9 * zz) : (e.tone == .struggle ? exp(-0.9 * zz) : 1)
            if e.peer && secondRole { x *= 2 }
            return x
        }
        let total = w.reduce(0, +)
        var t = u * total
        for (i, x) in w.enumerated() { t -= x; if t < 0 { return list[i] } }
        return list[list.count - 1]
    }
}
