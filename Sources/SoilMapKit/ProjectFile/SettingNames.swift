/// How the user spells each setting: command-line options for the single-step commands,
/// project-file keys for `soilmap run`. Errors name the setting this way, so the advice in
/// a message is something the user can actually change where they are.
public struct SettingNames: Sendable {
    public var samplesEncoding = "--encoding"
    public var samplesX = "--x-field"
    public var samplesY = "--y-field"
    public var samplesCRS = "--s-srs"
    public var samplesRound = "--round"
    /// `nil` where negative values cannot be allowed (project pollutants and pH).
    public var allowNegative: String? = "--allow-negative"
    public var parcelsEncoding = "--encoding"
    public var landUseField = "--land-use-field"
    public var parcelIdField = "id field"
    public var zoneField = "--zone-field"
    public var zoneNameField = "--zone-name-field"
    public var landUseMap = "--land-use-map"
    /// Project files write values as YAML (`key: value`), the command line as `--option value`.
    var isProjectFile = false

    /// The single-step commands' options.
    public static let commandLine = SettingNames()

    /// The keys of a project file (`soilmap run`).
    public static let projectFile = SettingNames(
        samplesEncoding: "samples.encoding", samplesX: "samples.x", samplesY: "samples.y", samplesCRS: "samples.crs", samplesRound: "samples.round",
        allowNegative: nil, parcelsEncoding: "parcels.encoding", landUseField: "parcels.land_use_field",
        parcelIdField: "parcels.id_field", zoneField: "parcels.township_field", zoneNameField: "townships.name_field",
        landUseMap: "parcels.land_use_map", isProjectFile: true)

    /// The keys of a project file's `crops:` section (crop samples are read as samples).
    public static let projectCrops = SettingNames(
        samplesEncoding: "crops.encoding", samplesX: "crops.x", samplesY: "crops.y", samplesCRS: "crops.crs", samplesRound: "samples.round",
        allowNegative: nil, parcelsEncoding: "parcels.encoding", landUseField: "parcels.land_use_field",
        parcelIdField: "parcels.id_field", zoneField: "parcels.township_field", zoneNameField: "townships.name_field",
        landUseMap: "parcels.land_use_map", isProjectFile: true)

    /// Advice for a land-use value the mapping does not know.
    func addLandUseAdvice(_ raw: String) -> String {
        isProjectFile
            ? "add it to \(landUseMap) as '\(raw): paddy', '\(raw): other' or '\(raw): orchard'"
            : "add it with \(landUseMap) '\(raw)=paddy|other|orchard'"
    }
}
