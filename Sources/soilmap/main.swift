import ArgumentParser
import Foundation
import SoilMapKit

SoilMapCommand.main()
